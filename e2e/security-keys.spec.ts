import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, expectAccessible, TestOrg, test, totp } from './fixtures';
import { TwoFactorPage } from './pages/two-factor-page';
import { auditActions, userRow } from './support/db';
import { addKeyOnTab, ageSecondFactor, storedKeys } from './support/keys';
import { registerKey } from './support/security-keys';
import { signInDirectly } from './support/sessions';
import { VirtualAuthenticator } from './support/virtual-authenticator';

// Security keys and passkeys on the 2FA tab, at forced setup and for the admin. WebAuthn needs
// JavaScript: the no-js project checks the sentences that replace the key options instead.

const withJs = () => test.info().project.use.javaScriptEnabled !== false;
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(test.info().outputDir, `${name}.png`), fullPage: true });
const KEYS_NEED_JS = 'Security keys and passkeys need JavaScript.';

async function tabTo(page: Page, target: ReturnType<Page['getByLabel']>) {
  for (let i = 0; i < 60; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error('Tab never reached the element');
}

test('a platform passkey and a USB key are added from the 2FA tab; the first brings recovery codes, the second (by keyboard) none', async ({ page, org }) => {
  test.setTimeout(150_000);
  const user = await org.user();
  await signInDirectly(page.context(), user.id, 'password');
  const tab = new TwoFactorPage(page);
  await tab.goto();
  await expect(page.getByRole('heading', { name: 'Security keys and passkeys' })).toBeVisible();
  if (!withJs()) {
    await expect(page.getByText(KEYS_NEED_JS)).toBeVisible();
    await expect(page.getByRole('link', { name: 'Add a security key or passkey' })).toHaveCount(0);
    await expectAccessible(page);
    return;
  }
  await expectAccessible(page);
  const platform = await VirtualAuthenticator.attach(page, 'platform');
  await addKeyOnTab(page, 'Work laptop', user.password);
  const codes = await tab.recoveryCodes();
  expect(codes).toHaveLength(10);
  await expectAccessible(page);
  await shot(page, 'first-key-recovery-codes');
  await tab.finish();
  await expect(page.getByText('Work laptop')).toBeVisible();
  await expect(page.getByText('Not set up')).toBeVisible();
  await platform.detach();

  // Keyboard only: the link, the name, the password, Enter; the key answers; no new codes.
  const usb = await VirtualAuthenticator.attach(page, 'usb');
  await tabTo(page, page.getByRole('link', { name: 'Add a security key or passkey' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Add a security key or passkey' })).toBeFocused();
  await expectAccessible(page);
  await shot(page, 'add-key');
  await tabTo(page, page.getByLabel('Name of the key'));
  await page.keyboard.type('Blue USB key');
  await tabTo(page, page.getByLabel('Password'));
  await page.keyboard.type(user.password);
  await page.keyboard.press('Enter');
  await expect(page.getByText('The security key is added.')).toBeVisible();
  await expect(page.getByText('Blue USB key')).toBeVisible();
  await expect(page.getByTestId('recovery-codes')).toHaveCount(0);
  await expect(tab.codesLeft()).toHaveText(/^10 of 10/);
  await expectAccessible(page);
  await shot(page, '2fa-tab-with-keys');
  expect((await storedKeys(user.id)).map((k) => k.name).sort()).toEqual(['Blue USB key', 'Work laptop']);
  const row = await userRow(user.id);
  expect([row.webauthnKeyCount, row.twoFactorState]).toEqual([2, 'enabled']);
  expect((await auditActions(user.id)).filter((a) => a === 'webauthn.key_added')).toHaveLength(2);
  await usb.detach();
});

test('a key is renamed, and removed with a step-up by the key itself; the last one cannot go while 2FA is required', async ({ page, org }) => {
  test.setTimeout(120_000);
  const user = await org.user();
  await signInDirectly(page.context(), user.id, 'password');
  const tab = new TwoFactorPage(page);
  await tab.goto();
  if (!withJs()) {
    await expect(page.getByText(KEYS_NEED_JS)).toBeVisible();
    return;
  }
  const platform = await VirtualAuthenticator.attach(page, 'platform');
  await addKeyOnTab(page, 'Laptop', user.password);
  await tab.finish();

  await page.getByRole('link', { name: 'Rename Laptop' }).click();
  await page.getByLabel('New name').fill('Old laptop');
  await page.getByRole('button', { name: 'Rename' }).click();
  await expect(page.getByText('The security key is renamed.')).toBeVisible();
  await expect(page.getByText('Old laptop')).toBeVisible();

  await org.requireTwoFactor(user);
  await tab.goto();
  await expect(page.getByText('you cannot remove your only security key')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Remove Old laptop' })).toHaveCount(1);
  await page.getByRole('link', { name: 'Remove Old laptop' }).click();
  await expect(page.getByRole('button', { name: 'Remove key' })).toHaveCount(0);
  await org.requireTwoFactor(user, false);

  await ageSecondFactor(user.id);
  await tab.goto('?action=remove-key&key=' + encodeURIComponent((await storedKeys(user.id))[0]!.credentialId));
  await expect(page.getByLabel('Authentication code')).toHaveCount(0);
  await expectAccessible(page);
  await shot(page, 'remove-key-step-up');
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Use your security key' }).click();
  await expect(page.getByText('Two-factor authentication is off.')).toBeVisible();
  expect(await storedKeys(user.id)).toEqual([]);
  const row = await userRow(user.id);
  expect([row.webauthnKeyCount, row.recoveryCodesLeft, row.twoFactorState]).toEqual([0, 0, 'none']);
  expect(await auditActions(user.id)).toEqual(expect.arrayContaining(['webauthn.key_renamed', 'webauthn.key_removed', '2fa.disabled']));
  await platform.detach();
});

test('forced setup: the user chooses a security key, gets recovery codes once, then the session', async ({ page, loginPage }) => {
  const org = await TestOrg.create('required');
  const user = await org.user();
  await loginPage.goto();
  await loginPage.submitPassword(user.email, user.password);
  await expect(page).toHaveURL(/setup-2fa/);
  await expect(page.getByRole('heading', { name: 'Use a security key or passkey' })).toBeVisible();
  // The interstitial as two-step-sign-in.spec.ts's forced setup checks its accessibility (the same page).
  if (!withJs()) {
    await expect(page.getByText(KEYS_NEED_JS)).toBeVisible();
    await expect(page.getByTestId('setup-key')).toBeVisible();
    return;
  }
  await shot(page, 'setup-choose');
  const platform = await VirtualAuthenticator.attach(page, 'platform');
  await page.getByLabel('Name of the key').fill('Phone passkey');
  await page.getByRole('button', { name: 'Add security key' }).click();
  await expect(page.getByTestId('recovery-codes')).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('I have saved these codes').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/\/$/);
  const row = await userRow(user.id);
  expect([row.webauthnKeyCount, row.totpEnabledAt, row.recoveryCodesLeft, row.twoFactorState]).toEqual([1, null, 10, 'enabled']);
  await platform.detach();
});

// Table cells and the reset dialog, whose JS-off page admin.spec.ts walks (@once).
test('the admin table shows each user’s second factors, and a reset removes the keys', { tag: '@once' }, async ({ page, org }) => {
  const admin = await org.userWith2fa({ role: 'admin', name: 'Ada Keys' });
  const user = await org.user({ name: 'Kim Keys' });
  // The key as the 2FA tab adds it (the first test walks that), recovery codes included, through the
  // library. (The reset page without JavaScript is admin.spec.ts's.)
  await registerKey(user, org.id, 'usb', 'Kim key');
  expect((await userRow(user.id)).recoveryCodesLeft).toBe(10);
  await signInDirectly(page.context(), admin.id, 'password');
  await page.goto('/admin/users');
  const row = page.getByRole('row').filter({ hasText: 'Kim Keys' });
  await expect(row.getByTestId('second-factors')).toHaveText('1 key');
  await expect(page.getByRole('row').filter({ hasText: 'Ada Keys' }).getByTestId('second-factors')).toHaveText('App');
  await expectAccessible(page);
  await page.goto(`/admin/users/${user.id}/reset`);
  await expect(page.getByText('security keys, passkeys and recovery codes')).toBeVisible();
  await page.getByLabel('Password').fill(admin.password);
  await page.getByLabel('Authentication code').fill(totp(admin.secret));
  await page.getByRole('button', { name: 'Reset 2FA' }).click();
  await expect(page).toHaveURL(/notice=reset/);
  await expect(page.getByRole('row').filter({ hasText: 'Kim Keys' }).getByTestId('second-factors')).toHaveText('—');
  expect(await storedKeys(user.id)).toEqual([]);
  expect((await userRow(user.id)).webauthnKeyCount).toBe(0);
});
