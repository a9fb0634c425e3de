import { expect, type Page } from '@playwright/test';

export class HomePage {
  constructor(readonly page: Page) {}

  async expectSignedInAs(name: string, orgName: string) {
    await expect(this.page.getByRole('heading', { name: `Welcome, ${name}` })).toBeVisible();
    await expect(this.page.getByText(orgName, { exact: true })).toBeVisible();
  }

  async signOut() {
    await this.page.getByRole('button', { name: 'Sign out' }).click();
    await expect(this.page).toHaveURL(/\/login/);
  }
}
