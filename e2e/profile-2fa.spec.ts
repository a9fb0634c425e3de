import { expect, expectAccessible, TestOrg, test, totp } from './fixtures';
import { LoginPage } from './pages/login-page';
import { TwoFactorPage } from './pages/two-factor-page';
import { VerifyPage } from './pages/verify-page';
import { postAction } from './support/actions';
import { securityState, setOrganizationPolicyForUser, userRow } from './support/db';
import { signInDirectly } from './support/sessions';

test('enable 2FA: password, QR and key, code, recovery codes shown once', async ({ page, org }) => {
  const user = await org.user();
  await signInDirectly(page.context(), user.id, 'password');
  const tab = new TwoFactorPage(page);
  await tab.goto();
  await expect(tab.heading('Two-factor authentication is off')).toBeVisible();
  await expectAccessible(page);

  const secret = await tab.startEnrollment(user.password);
  await expect(page.getByRole('img', { name: /QR code/ })).toBeVisible();
  await expectAccessible(page);
  await tab.submitCode(totp(secret));

  const codes = await tab.recoveryCodes();
  expect(codes).toHaveLength(10);
  for (const code of codes) expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  expect(new Set(codes).size).toBe(10);
  await expectAccessible(page);
  const file = await tab.downloadCodes();
  expect(file).toContain(user.email);
  expect(file.match(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/gm)).toEqual(codes);

  await tab.finish();
  await expect(tab.codesLeft()).toHaveText(/^10 of 10/);
  await page.reload();
  await expect(page.getByTestId('recovery-codes')).toHaveCount(0);
  expect(await page.content()).not.toContain(codes[0]!);
  await expectAccessible(page);
});

test('wrong password, wrong code and malformed codes change nothing', async ({ page, org }) => {
  const user = await org.user();
  await signInDirectly(page.context(), user.id, 'password');
  const tab = new TwoFactorPage(page);
  await tab.goto();
  await page.getByLabel('Password').fill('not-my-password');
  await page.getByRole('button', { name: 'Enable 2FA' }).click();
  await expect(tab.error()).toContainText("That password isn't right.");
  await expect(page.getByTestId('setup-key')).toHaveCount(0);
  await expectAccessible(page);

  const secret = await tab.startEnrollment(user.password);
  for (const bad of ['١٢٣٤٥٦', '1234567', '']) {
    await tab.submitCode(bad);
    await expect(page.getByText('Enter the 6-digit code from your authenticator app.').first()).toBeVisible();
  }
  await tab.submitCode(totp(secret, Math.floor(Date.now() / 30_000) - 5));
  await expect(tab.error()).toContainText("That code didn't work");
  await expect(page.getByLabel('Authentication code')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page);
  expect((await userRow(user.id)).totpSecret).toBeNull();
  // The same QR is still there, and still works.
  expect(await tab.setupKey()).toBe(secret);
  await tab.submitCode(totp(secret));
  expect(await tab.recoveryCodes()).toHaveLength(10);
});

test('reconfigure keeps the old secret and codes until the new one is confirmed', async ({ page, browser, org }) => {
  const user = await org.userWith2fa();
  // As a sign-in that has just verified a code.
  await signInDirectly(page.context(), user.id, 'password', { secondFactor: true });
  const tab = new TwoFactorPage(page);
  await tab.goto();
  // Fresh second factor: the password is enough.
  await tab.stepUp('Reconfigure 2FA', { password: user.password });
  const fresh = await tab.setupKey();
  expect(fresh).not.toBe(user.secret);
  await expect(page.getByText('keep working until you confirm')).toBeVisible();

  // Meanwhile, in another browser, an old recovery code still signs in.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  const otherLogin = new LoginPage(otherPage);
  await otherLogin.goto();
  await otherLogin.submitPassword(user.email, user.password);
  await new VerifyPage(otherPage).submitRecoveryCode(user.recoveryCodes[0]!);
  await expect(otherPage).toHaveURL(/\/profile\/2fa/);

  await tab.submitCode(totp(fresh));
  const newCodes = await tab.recoveryCodes();
  await tab.finish();

  // Confirming ended the other session; the old code and secret no longer work.
  await otherPage.goto('/');
  await expect(otherPage).toHaveURL(/\/login/);
  await otherLogin.submitPassword(user.email, user.password);
  const otherVerify = new VerifyPage(otherPage);
  await otherVerify.submitRecoveryCode(user.recoveryCodes[1]!);
  await expect(otherVerify.error()).toContainText("didn't work");
  await otherVerify.submitRecoveryCode(newCodes[0]!);
  await expect(otherPage).toHaveURL(/\/profile\/2fa/);
  await other.close();
});

test('regenerate replaces the recovery codes at once', async ({ page, browser, org }) => {
  const user = await org.userWith2fa();
  await signInDirectly(page.context(), user.id, 'password', { secondFactor: true });
  const tab = new TwoFactorPage(page);
  await tab.goto();
  await tab.stepUp('Regenerate recovery codes', { password: user.password });
  const codes = await tab.recoveryCodes();
  expect(codes).toHaveLength(10);
  expect(codes).not.toContain(user.recoveryCodes[0]);
  await expectAccessible(page);
  await tab.finish();
  await expect(tab.codesLeft()).toHaveText(/^10 of 10/);

  const other = await browser.newContext();
  const otherPage = await other.newPage();
  const otherLogin = new LoginPage(otherPage);
  await otherLogin.goto();
  await otherLogin.submitPassword(user.email, user.password);
  const verify = new VerifyPage(otherPage);
  await verify.submitRecoveryCode(user.recoveryCodes[0]!);
  await expect(verify.error()).toContainText("didn't work");
  await verify.submitRecoveryCode(codes[9]!);
  await expect(otherPage).toHaveURL(/\/profile\/2fa/);
  await other.close();
});

test('disable: refused when required, allowed when optional', async ({ page, org }) => {
  const required = await org.userWith2fa();
  await org.requireTwoFactor(required);
  await signInDirectly(page.context(), required.id, 'password');
  const tab = new TwoFactorPage(page);
  await tab.goto('?action=disable');
  await expect(page.getByText('requires two-factor authentication, so it cannot be turned off')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Disable 2FA' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Disable 2FA' })).toHaveCount(0);
  await page.context().clearCookies();

  const optional = await org.userWith2fa();
  await signInDirectly(page.context(), optional.id, 'password', { secondFactor: true });
  await tab.goto();
  await tab.stepUp('Disable 2FA', { password: 'wrong-password' });
  await expect(tab.error()).toContainText("That password isn't right.");
  await expectAccessible(page);
  expect((await userRow(optional.id)).totpSecret).not.toBeNull();
  await page.getByLabel('Password').fill(optional.password);
  await page.getByRole('button', { name: 'Disable 2FA' }).click();
  await expect(page.getByText('Two-factor authentication is off.').first()).toBeVisible();
  expect((await userRow(optional.id)).totpSecret).toBeNull();
});

// Server-rendered states of the tab whose forms the tests above walk without JavaScript (@once).
test('policy off: the tab says so; a user who has 2FA may only disable it', { tag: '@once' }, async ({ page, browser }) => {
  const org = await TestOrg.create('off');
  const without = await org.user();
  await signInDirectly(page.context(), without.id, 'password');
  const tab = new TwoFactorPage(page);
  await tab.goto();
  await expect(page.getByText('Your organization has not enabled two-factor authentication')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Enable 2FA' })).toHaveCount(0);
  await expectAccessible(page);

  const withTwoFactor = await (await TestOrg.create('optional')).userWith2fa();
  await setOrganizationPolicyForUser(withTwoFactor.id, 'off');
  const other = await browser.newContext();
  await signInDirectly(other, withTwoFactor.id, 'password');
  const otherPage = await other.newPage();
  await otherPage.goto('/profile/2fa');
  await expect(otherPage.getByRole('heading', { name: 'Two-factor authentication is on' })).toBeVisible();
  await expect(otherPage.getByRole('link', { name: 'Disable 2FA' })).toBeVisible();
  await expect(otherPage.getByRole('link', { name: 'Reconfigure 2FA' })).toHaveCount(0);
  await expect(otherPage.getByRole('link', { name: 'Regenerate recovery codes' })).toHaveCount(0);
  await other.close();
});

// A server-rendered state of the tab, as the one above (@once).
test('an SSO user is told the identity provider handles 2FA', { tag: '@once' }, async ({ page, org }) => {
  const sso = await org.user({ method: 'sso' });
  await signInDirectly(page.context(), sso.id, 'sso');
  await page.goto('/profile/2fa');
  await expect(page.getByText('Your sign-in and 2FA are handled by your identity provider')).toBeVisible();
  await expect(page.getByRole('button')).toHaveText(['Sign out']);
  await expectAccessible(page);
});

test('a second browser confirming a stale QR cannot overwrite the enrollment', { tag: '@once' }, async ({ page, browser, org }) => {
  const user = await org.user();
  await signInDirectly(page.context(), user.id, 'password');
  const tab = new TwoFactorPage(page);
  await tab.goto();
  const stale = await tab.startEnrollment(user.password);

  const other = await browser.newContext();
  await signInDirectly(other, user.id, 'password');
  const otherPage = await other.newPage();
  const otherTab = new TwoFactorPage(otherPage);
  await otherTab.goto();
  // The other browser's setup is not shown here; starting one here supersedes it.
  await expect(otherPage.getByRole('status')).toContainText('A setup was started on another device');
  const winner = await otherTab.startEnrollment(user.password);
  await otherTab.submitCode(totp(winner));
  await otherTab.recoveryCodes();

  // The winner's confirmation ended this browser's session: its stale attempt is told so (with
  // JavaScript) or lands on sign-in (without).
  await tab.submitCode(totp(stale));
  if (test.info().project.use.javaScriptEnabled === false) {
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fprofile%2F2fa/);
  } else {
    await expect(tab.error()).toContainText('Your session has ended');
  }
  await expect(page.getByTestId('recovery-codes')).toHaveCount(0);
  await other.close();
  // The winner's secret is the one stored.
  const { decryptForUser } = await import('@/lib/auth/crypto');
  expect(decryptForUser((await userRow(user.id)).totpSecret!, user.id)).toBe(winner);
});

test('changing the password ends the other sessions', async ({ page, browser, org }) => {
  const user = await org.user();
  const other = await browser.newContext();
  await signInDirectly(other, user.id, 'password');
  const otherPage = await other.newPage();
  await otherPage.goto('/');
  await expect(otherPage.getByRole('heading', { name: /Welcome/ })).toBeVisible();

  await signInDirectly(page.context(), user.id, 'password');
  await page.goto('/profile/password');
  await expectAccessible(page);
  await page.getByLabel('Current password').fill(user.password);
  await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
  await page.getByLabel('Repeat the new password').fill('a brand new passphrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('Your password was changed')).toBeVisible();
  await page.goto('/');
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  await otherPage.goto('/');
  await expect(otherPage).toHaveURL(/\/login/);
  await other.close();
});

test('a setup belongs to the browser that started it: another session sees none of it and cannot confirm it', { tag: '@once' }, async ({ page, browser, org }) => {
  const user = await org.userWith2fa();
  await signInDirectly(page.context(), user.id, 'password');
  const tab = new TwoFactorPage(page);
  await tab.goto();
  await tab.stepUp('Reconfigure 2FA', { password: user.password, code: totp(user.secret) });
  const key = await tab.setupKey();

  // The same user in another browser (a copied cookie, a forgotten kiosk).
  const other = await browser.newContext();
  await signInDirectly(other, user.id, 'password');
  const otherPage = await other.newPage();
  await otherPage.goto('/profile/2fa');
  await expect(otherPage.getByRole('status')).toContainText('A setup was started on another device');
  const html = await otherPage.content();
  for (const part of [key, key.slice(0, 4) + ' ' + key.slice(4, 8), 'otpauth://']) expect(html).not.toContain(part);
  await expect(otherPage.getByRole('img', { name: /QR code/ })).toHaveCount(0);
  await expectAccessible(otherPage);

  // Its forged confirmation with a correct code for the new key is refused, and changes nothing.
  const before = await securityState([user.id], org.id);
  const forged = await postAction(other.request, 'confirmEnrollmentAction', { code: totp(key) });
  expect(forged.status()).toBe(200);
  expect(await forged.text()).toContain('so it cannot be confirmed here');
  expect(await securityState([user.id], org.id)).toEqual(before);
  await other.close();

  // The browser that started it finishes, and stays signed in.
  await tab.submitCode(totp(key));
  expect(await tab.recoveryCodes()).toHaveLength(10);
  await tab.finish();
  const { decryptForUser } = await import('@/lib/auth/crypto');
  expect(decryptForUser((await userRow(user.id)).totpSecret!, user.id)).toBe(key);
});
