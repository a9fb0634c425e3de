import { expect, type Page } from '@playwright/test';
import { submit } from '../support/submit';

export class VerifyPage {
  constructor(readonly page: Page) {}

  readonly error = () => this.page.locator('p[role=alert]').filter({ hasText: /\S/ });

  async expectShown() {
    await expect(this.page).toHaveURL(/\/login\/verify/);
    await expect(this.page.getByRole('heading', { name: 'Two-factor authentication' })).toBeVisible();
  }

  readonly keyButton = () => this.page.getByRole('button', { name: 'Use your security key' });
  /** The sentence that stands in for the key options without JavaScript. */
  readonly keysNeedJavaScript = () => this.page.getByText('Security keys and passkeys need JavaScript.');

  /** "Use your security key": the page's virtual authenticator answers. */
  async useKey() {
    await this.keyButton().click();
  }

  /** From the key step to the app's code field. */
  async chooseApp() {
    await this.page.getByRole('link', { name: 'Use an authenticator app' }).click();
    await expect(this.page.getByLabel('Authentication code')).toBeVisible();
  }

  async submitCode(code: string) {
    await this.page.getByLabel('Authentication code').fill(code);
    await submit(this.page, this.page.getByRole('button', { name: 'Verify' }));
  }

  async submitRecoveryCode(code: string) {
    if (!this.page.url().includes('method=recovery')) await this.page.getByRole('link', { name: 'Use a recovery code' }).click();
    await this.page.getByLabel('Recovery code').fill(code);
    await submit(this.page, this.page.getByRole('button', { name: 'Verify' }));
  }

  async cancel() {
    await submit(this.page, this.page.getByRole('button', { name: 'Cancel' }));
    await expect(this.page).toHaveURL(/\/login\?notice=cancelled/);
  }
}
