import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, TestOrg, test } from '../fixtures';
import { signInDirectly } from '../support/sessions';

const dir = path.join(process.cwd(), 'docs', 'screenshots');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });

test.use({ locale: 'de-DE', extraHTTPHeaders: { 'Accept-Language': 'de-DE,de;q=0.9,en;q=0.5' } });

test('a German browser: the sign-in page and the code step in German, then the Language tab', async ({ page }) => {
  const org = await TestOrg.create('optional');
  const user = await org.userWith2fa({ name: 'Greta Gruber' });
  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Anmelden' })).toBeVisible();
  await shot(page, 'sign-in-de');
  await page.getByLabel('E-Mail-Adresse').fill(user.email);
  await page.getByLabel('Passwort', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
  await expect(page).toHaveURL(/verify/);
  await shot(page, 'verify-de');
  await signInDirectly(page.context(), user.id, 'password');
  await page.goto('/profile/language');
  await expect(page.getByRole('combobox')).toBeVisible();
  await shot(page, 'language-tab-de');
});
