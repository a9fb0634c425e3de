import path from 'node:path';
import type { Page } from '@playwright/test';
import { setGraceDays } from '@/lib/accounts/grace-setting';
import { expect, TestOrg, test } from '../fixtures';
import { signInDirectly } from '../support/sessions';

const dir = path.join(process.cwd(), 'docs', 'screenshots');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });

test.use({ locale: 'de-DE', extraHTTPHeaders: { 'Accept-Language': 'de-DE,de;q=0.9,en;q=0.5' } });

test('a German browser: the users table of the administration, with its adoption counts', async ({ page }) => {
  const org = await TestOrg.create('optional');
  const admin = await org.user({ role: 'admin', name: 'Greta Gruber' });
  await org.userWith2fa({ name: 'Jonas Becker' });
  await org.userWith2fa({ name: 'Lena Wagner' });
  const required = await org.user({ name: 'Paul Schneider' });
  await org.requireTwoFactor(required);
  await org.user({ name: 'Sophie Hoffmann' });
  await org.user({ method: 'sso', name: 'Tim Fischer' });
  await setGraceDays(org.id, 7, { kind: 'operator' });
  await signInDirectly(page.context(), admin.id, 'password');
  await page.goto('/admin/users');
  await expect(page.getByRole('heading', { name: 'Benutzer', exact: true })).toBeVisible();
  await shot(page, 'admin-users-de');
});
