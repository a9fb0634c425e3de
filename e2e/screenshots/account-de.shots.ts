import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, TestOrg, test } from '../fixtures';
import { registerKey } from '../support/security-keys';
import { signInDirectly } from '../support/sessions';

const dir = path.join(process.cwd(), 'docs', 'screenshots');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });

test.use({ locale: 'de-DE', extraHTTPHeaders: { 'Accept-Language': 'de-DE,de;q=0.9,en;q=0.5' } });

test('a German browser: the 2FA tab with the app and a security key', async ({ page }) => {
  const org = await TestOrg.create('optional');
  const user = await org.userWith2fa({ name: 'Greta Gruber' });
  await registerKey(user, org.id, 'usb', 'YubiKey am Schlüsselbund');
  await signInDirectly(page.context(), user.id, 'password');
  await page.goto('/profile/2fa');
  await expect(page.getByRole('heading', { name: 'Die Zwei-Faktor-Authentifizierung ist aktiviert' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Sicherheitsschlüssel oder Passkey hinzufügen' })).toBeVisible();
  await shot(page, '2fa-tab-de');
});
