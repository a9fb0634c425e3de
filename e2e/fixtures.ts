import { test as base, expect, type Page } from '@playwright/test';
import './support/env';

// The fixtures write audit events too; the server's log is the one that matters.
process.env.DESKGATE_LOG = 'off';
import { TestOrg } from './support/accounts';
import { axeViolations } from './support/axe';
import { totp } from './support/totp';
import { LoginPage } from './pages/login-page';

export { expect };
export { TestOrg } from './support/accounts';
export type { TestUser, TwoFactorUser } from './support/accounts';

export { totp };

/** Fails the test on any WCAG 2.1 A/AA violation on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  // After a client-side navigation the title arrives a moment after the content.
  await expect(page).toHaveTitle(/\S/);
  expect(await axeViolations(page, test.info().project.use.javaScriptEnabled !== false), `axe violations on ${page.url()}`).toEqual([]);
}

interface Fixtures {
  /** A fresh organization (2FA optional) for this test. */
  org: TestOrg;
  loginPage: LoginPage;
  /** Fails the test when the page reports a CSP violation. */
  cspGuard: void;
}

export const test = base.extend<Fixtures>({
  org: async ({}, use) => {
    await use(await TestOrg.create('optional'));
  },
  loginPage: async ({ page }, use) => {
    await use(new LoginPage(page));
  },
  cspGuard: [
    async ({ page }, use) => {
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      await use();
      expect(violations, 'CSP violations').toEqual([]);
    },
    { auto: true },
  ],
});
