import { readFile } from 'node:fs/promises';
import { expect, type Page } from '@playwright/test';
import { submit } from '../support/submit';

export class TwoFactorPage {
  constructor(readonly page: Page) {}

  async goto(query = '') {
    await this.page.goto(`/profile/2fa${query}`);
  }

  readonly heading = (name: string | RegExp) => this.page.getByRole('heading', { name });
  readonly error = () => this.page.locator('p[role=alert]').filter({ hasText: /\S/ });
  readonly codesLeft = () => this.page.getByTestId('codes-left');

  /** Steps 1–2: confirms the password and returns the key the page shows, without spaces. */
  async startEnrollment(password: string): Promise<string> {
    await this.page.getByLabel('Password').fill(password);
    await submit(this.page, this.page.getByRole('button', { name: 'Enable 2FA' }));
    return this.setupKey();
  }

  async setupKey(): Promise<string> {
    const key = this.page.getByTestId('setup-key');
    await expect(key).toBeVisible();
    return (await key.innerText()).replace(/\s+/g, '');
  }

  /** Step 3: types a code; on success the page shows the recovery codes. */
  async submitCode(code: string) {
    await this.page.getByLabel('Authentication code').fill(code);
    await submit(this.page, this.page.getByRole('button', { name: 'Verify and turn on' }));
  }

  async recoveryCodes(): Promise<string[]> {
    const list = this.page.getByTestId('recovery-codes');
    await expect(list).toBeVisible();
    return (await list.locator('li').allInnerTexts()).map((s) => s.trim());
  }

  async downloadCodes(): Promise<string> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.page.getByRole('link', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toBe('recovery-codes.txt');
    return readFile((await download.path())!, 'utf8');
  }

  /** Step 4: "I have saved these codes", then Done. */
  async finish() {
    await this.page.getByLabel('I have saved these codes').check();
    await this.page.getByRole('button', { name: 'Done' }).click();
    await expect(this.heading('Two-factor authentication is on')).toBeVisible();
  }

  /** A step-up prompt: password, and a code or recovery code when the page asks for one. */
  async stepUp(action: 'Reconfigure 2FA' | 'Regenerate recovery codes' | 'Disable 2FA', input: { password: string; code?: string; recoveryCode?: string }) {
    await this.page.getByRole('link', { name: action }).click();
    await expect(this.page.getByRole('heading', { name: action })).toBeVisible();
    await this.page.getByLabel('Password').fill(input.password);
    if (input.code !== undefined) await this.page.getByLabel('Authentication code').fill(input.code);
    if (input.recoveryCode !== undefined) await this.page.getByLabel('Or a recovery code').fill(input.recoveryCode);
    await submit(this.page, this.page.getByRole('button', { name: action === 'Reconfigure 2FA' ? 'Continue' : action }));
  }
}
