import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, TestOrg, test, totp } from '../fixtures';
import { LoginPage } from '../pages/login-page';

const dir = path.join(process.cwd(), 'docs', 'screenshots');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });

test('trusted browsers', async ({ page }) => {
  test.setTimeout(120_000);
  const org = await TestOrg.create('optional');
  const admin = await org.userWith2fa({ role: 'admin', name: 'Tess Trusted' });
  const login = new LoginPage(page);
  await login.goto();
  await login.submitPassword(admin.email, admin.password);
  await expect(page).toHaveURL(/verify/);
  await page.getByRole('checkbox', { name: 'Trust this browser for 30 days' }).check();
  await shot(page, 'verify-trust-browser');
  await page.getByLabel('Authentication code').fill(totp(admin.secret));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto('/profile/sessions');
  await expect(page.getByRole('list', { name: 'Trusted browsers' })).toBeVisible();
  await shot(page, 'devices-trusted-browsers');
  await page.goto('/admin/settings');
  await page.getByLabel('Days (1–30)').fill('0');
  await page.getByRole('button', { name: 'Save trusted browser setting' }).click();
  await expect(page.getByText('Enter a whole number of days from 1 to 30.').first()).toBeVisible();
  await shot(page, 'admin-settings-trusted-browsers-error');
});
