import { expect, type Page } from '@playwright/test';
import { submit } from '../support/submit';
import { totp } from '../support/totp';
import { VerifyPage } from './verify-page';

export class LoginPage {
  constructor(readonly page: Page) {}

  readonly email = () => this.page.getByLabel('Email');
  readonly password = () => this.page.getByLabel('Password');
  readonly submit = () => this.page.getByRole('button', { name: 'Sign in', exact: true });
  readonly error = () => this.page.locator('p[role=alert]').filter({ hasText: /\S/ });
  readonly passkeyButton = () => this.page.getByRole('button', { name: 'Sign in with a passkey' });

  async goto(callbackUrl?: string) {
    await this.page.goto(callbackUrl === undefined ? '/login' : `/login?callbackUrl=${encodeURIComponent(callbackUrl)}`);
    await expect(this.page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  }

  /** Fills and submits the password step; does not wait for where it lands. */
  async submitPassword(email: string, password: string) {
    await this.email().fill(email);
    await this.password().fill(password);
    await submit(this.page, this.submit());
  }

  /** Signs in a user with 2FA: password, then the current code from their secret; waits for the start page. */
  async signInWithCode(user: { email: string; password: string; secret: string }) {
    await this.goto();
    await this.submitPassword(user.email, user.password);
    await new VerifyPage(this.page).submitCode(totp(user.secret));
    await expect(this.page).toHaveURL(/\/$/);
  }

  /** "Sign in with a passkey" (the page's virtual authenticator answers); does not wait for where it lands. */
  async signInWithPasskey() {
    await this.passkeyButton().click();
  }

  /** Signs in a user without 2FA and waits for the landing page. */
  async signIn(user: { email: string; password: string }, landing: string | RegExp = '/') {
    await this.goto();
    await this.submitPassword(user.email, user.password);
    await expect(this.page).toHaveURL(typeof landing === 'string' ? new RegExp(`${escape(landing)}$`) : landing);
  }
}

function escape(s: string) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
