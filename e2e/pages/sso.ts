import { expect, type Page } from '@playwright/test';
import { idp } from '../support/env';

/** Registers (or changes) an account at the test identity provider. */
export async function idpAccount(id: string, claims: { email?: string; email_verified?: boolean; name?: string }) {
  const response = await fetch(`${idp.issuer}/test/accounts`, { method: 'POST', body: JSON.stringify({ id, ...claims }) });
  expect(response.ok).toBe(true);
}

/** The whole redirect flow: "Sign in with …" on /login, the IdP's own login form, back to Deskgate. */
export async function signInWithSso(page: Page, accountId: string) {
  await page.goto('/login');
  await page.getByRole('button', { name: `Sign in with ${idp.name}` }).click();
  await expect(page).toHaveURL(new RegExp(`^${idp.issuer.replace(/[.]/g, '\\.')}`));
  await page.locator('input[name=login]').fill(accountId);
  await page.locator('input[name=password]').fill('any password: the test IdP checks none');
  await page.locator('button[type=submit]').click();
  await expect(page).toHaveURL(/^http:\/\/localhost:\d+\//);
}
