import path from 'node:path';
import type { Page } from '@playwright/test';
import { setGraceDays } from '@/lib/accounts/grace-setting';
import { expect, TestOrg, test } from '../fixtures';

const dir = path.join(process.cwd(), 'docs', 'screenshots');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });

test('the grace period for required 2FA: the banner on every page', async ({ page }) => {
  const org = await TestOrg.create('required');
  await setGraceDays(org.id, 14, { kind: 'operator' });
  const member = await org.user({ name: 'Gus Graceful' });
  await page.goto('/login');
  await page.getByLabel('Email').fill(member.email);
  await page.getByLabel('Password').fill(member.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Two-factor authentication reminder' })).toBeVisible();
  await shot(page, 'grace-banner');
});
