import { expect, expectAccessible, TestOrg, test, totp } from './fixtures';
import { VerifyPage } from './pages/verify-page';
import { auditActions, liveSessions } from './support/db';
import { giveRecoveryCodes, holdKey, registerKey } from './support/security-keys';
import { signInDirectly } from './support/sessions';
import { VirtualAuthenticator } from './support/virtual-authenticator';
import { rawRows } from '@/db';
import { sql } from 'drizzle-orm';

// Keys are registered through the library (e2e/support/security-keys.ts); Chromium's virtual
// authenticator holds the same credential and answers the page. Without JavaScript the key options
// are a sentence, and the other ways in work as before.
const withJs = () => test.info().project.use.javaScriptEnabled !== false;

/** The audit details of a user's successful sign-ins, newest last. */
async function signInDetails(userId: number) {
  const rows = await rawRows<{ detail: string }>(sql`select detail from audit_events where target_user_id = ${userId} and action = 'sign_in' order by id`);
  return rows.map((r) => JSON.parse(r.detail) as Record<string, unknown>);
}

test('a USB security key is the second step; the app and a recovery code are the alternatives', async ({ page, org, loginPage }) => {
  const user = await org.userWith2fa();
  const key = await registerKey(user, org.id, 'usb');
  const authenticator = await VirtualAuthenticator.attach(page, 'usb');
  await holdKey(authenticator, key);
  const verify = new VerifyPage(page);
  await loginPage.goto();
  await loginPage.submitPassword(user.email, user.password);
  await verify.expectShown();
  await expect(page.getByRole('link', { name: 'Use an authenticator app' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Use a recovery code' })).toBeVisible();
  await expectAccessible(page);
  if (withJs()) {
    await expect(verify.keyButton()).toBeVisible();
    await verify.useKey();
    await expect(page).toHaveURL(/\/$/);
    expect(await signInDetails(user.id)).toContainEqual(expect.objectContaining({ method: 'password', secondFactor: 'webauthn' }));
    expect((await authenticator.credentials())[0]!.signCount).toBeGreaterThan(key.credential.signCount);
  } else {
    await expect(verify.keysNeedJavaScript()).toBeVisible();
    await expect(verify.keyButton()).toHaveCount(0);
    await verify.chooseApp();
    await verify.submitCode(totp(user.secret));
    await expect(page).toHaveURL(/\/$/);
    expect(await signInDetails(user.id)).toContainEqual(expect.objectContaining({ secondFactor: 'totp' }));
  }
  expect(await liveSessions(user.id)).toBe(1);
});

test('passkey sign-in: one step under a required policy, audited as a passkey; without JavaScript a sentence instead', async ({ page, loginPage }) => {
  const org = await TestOrg.create('required');
  const user = await org.userWith2fa();
  const authenticator = await VirtualAuthenticator.attach(page, 'platform');
  await holdKey(authenticator, await registerKey(user, org.id, 'passkey'));
  // The sign-in page, passkey button or sentence included: sign-in.spec.ts checks its accessibility.
  await loginPage.goto('/profile');
  if (!withJs()) {
    await expect(page.getByText('Security keys and passkeys need JavaScript.')).toBeVisible();
    await expect(loginPage.passkeyButton()).toHaveCount(0);
    return;
  }
  await loginPage.signInWithPasskey();
  await expect(page).toHaveURL(/\/profile/);
  expect(await liveSessions(user.id)).toBe(1);
  const [session] = await rawRows<{ second_factor_at: unknown; method: string }>(sql`select second_factor_at, method from sessions where user_id = ${user.id}`);
  expect(session!.second_factor_at).not.toBeNull();
  expect(session!.method).toBe('passkey');
  expect(await signInDetails(user.id)).toContainEqual(expect.objectContaining({ method: 'passkey', secondFactor: 'webauthn' }));
  await page.goto('/');
  await expect(page.getByRole('definition').filter({ hasText: 'A passkey' })).toBeVisible();
  await page.goto('/profile/2fa');
  await expect(page.getByText('Passkey sign-in allowed')).toBeVisible();
});

test('an admin turns passkey sign-in off in the settings: a passkey is then refused with one sentence, and works again once on', async ({ page, browser, org }) => {
  const admin = await org.userWith2fa({ role: 'admin' });
  const member = await org.userWith2fa();
  const key = await registerKey(member, org.id, 'passkey');
  await signInDirectly(page.context(), admin.id, 'password');
  await page.goto('/admin/settings');
  await expect(page.getByRole('heading', { name: 'Passkeys' })).toBeVisible();
  await expect(page.getByLabel('Allowed', { exact: true })).toBeChecked();
  await page.getByLabel('Not allowed').check();
  await page.getByRole('button', { name: 'Save passkey setting' }).click();
  await expect(page.getByRole('status')).toContainText('Passkeys can no longer be used to sign in');
  await expect(page.getByLabel('Not allowed')).toBeChecked();
  await expectAccessible(page);
  expect(await rawRows(sql`select id from audit_events where org_id = ${org.id} and action = 'org.passkey_sign_in_changed'`)).toHaveLength(1);

  const memberContext = await browser.newContext({ javaScriptEnabled: withJs() });
  const memberPage = await memberContext.newPage();
  const authenticator = await VirtualAuthenticator.attach(memberPage, 'platform');
  await holdKey(authenticator, key);
  await memberPage.goto('/login');
  if (withJs()) {
    await memberPage.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect(memberPage.locator('p[role=alert]')).toHaveText("That passkey can't sign you in here. Sign in with your email and password instead.");
    await expectAccessible(memberPage);
    expect(await liveSessions(member.id)).toBe(0);
  }

  await page.getByLabel('Allowed', { exact: true }).check();
  await page.getByRole('button', { name: 'Save passkey setting' }).click();
  await expect(page.getByRole('status')).toContainText('People can now sign in with a passkey');
  if (withJs()) {
    await memberPage.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect(memberPage).toHaveURL(/\/$/);
    expect(await liveSessions(member.id)).toBe(1);
  }
  await memberContext.close();
});

test('a keys-only user (no app) is offered the key and a recovery code, not the app; the recovery code signs in', async ({ page, org, loginPage }) => {
  const user = await org.user();
  await registerKey(user, org.id, 'usb');
  const codes = await giveRecoveryCodes(user.id);
  const verify = new VerifyPage(page);
  await loginPage.goto();
  await loginPage.submitPassword(user.email, user.password);
  await verify.expectShown();
  await expect(withJs() ? verify.keyButton() : verify.keysNeedJavaScript()).toBeVisible();
  await expect(page.getByRole('link', { name: /authenticator app/ })).toHaveCount(0);
  await verify.submitRecoveryCode(codes[0]!);
  await expect(page).toHaveURL(/\/profile\/2fa\?recovered=1$/);
  await expectAccessible(page);
  expect(await auditActions(user.id)).toContain('sign_in.recovery_code_used');
});
