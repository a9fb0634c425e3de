import path from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { eq, sql } from 'drizzle-orm';
import { rawRows, writeTransaction } from '@/db';
import { organizations } from '@/db/schema';
import { setTrustSetting } from '@/lib/auth/trusted-browsers';
import { resetTwoFactor } from '@/lib/auth/two-factor-changes';
import { expect, expectAccessible, TestOrg, test, totp } from './fixtures';
import { HomePage } from './pages/home-page';
import { LoginPage } from './pages/login-page';
import { TwoFactorPage } from './pages/two-factor-page';
import { VerifyPage } from './pages/verify-page';
import { auditActions } from './support/db';
import { holdKey, registerKey } from './support/security-keys';
import { e2eDir } from './support/env';
import { startExtraServer } from './support/server';
import { signInDirectly, trustDirectly } from './support/sessions';
import { submit } from './support/submit';
import { VirtualAuthenticator } from './support/virtual-authenticator';

// "Trust this browser" (#17): ticked at the second step, the next sign-in in that browser asks only
// for the password, until the trust's fixed window ends or any of its ending events. JS on and off.
const withJs = () => test.info().project.use.javaScriptEnabled !== false;
const operator = { kind: 'operator' } as const;
const trustBox = (page: Page) => page.getByRole('checkbox', { name: /^Trust this browser for \d+ days?$/ });

// Trusting a browser through the UI (password, code, the box ticked) is walked by the first test, JS
// on and off, and by the expiry test on its own server; the tests about what a trust does or what
// ends it make theirs with trustDirectly (e2e/support/sessions.ts), as that UI would.

async function signOut(page: Page) {
  await new HomePage(page).signOut();
}

/** The password step only: where it lands (the home page when trusted, the code step when not). */
async function passwordOnly(page: Page, user: { email: string; password: string }, base = '') {
  await page.goto(`${base}/login`);
  await new LoginPage(page).submitPassword(user.email, user.password);
}

async function expectAskedForCode(page: Page) {
  await new VerifyPage(page).expectShown();
}

async function sessionsOf(userId: number) {
  return rawRows<{ second_factor: string | null; second_factor_at: unknown }>(sql`select second_factor, second_factor_at from sessions where user_id = ${userId} order by created_at`);
}

async function trustRows(userId: number) {
  return rawRows<{ id: string }>(sql`select id from trusted_browsers where user_id = ${userId}`);
}

async function trustCookie(context: BrowserContext) {
  return (await context.cookies()).find((c) => c.name.endsWith('deskgate-trust'));
}

test('a trusted browser is asked only for the password; another browser is still asked for the code', async ({ page, org, browser }) => {
  const user = await org.userWith2fa();
  await page.goto('/login');
  await new LoginPage(page).submitPassword(user.email, user.password);
  await new VerifyPage(page).expectShown();
  await expect(trustBox(page)).toHaveAccessibleName('Trust this browser for 30 days');
  await expect(trustBox(page)).not.toBeChecked();
  await expectAccessible(page);
  await trustBox(page).check();
  await new VerifyPage(page).submitCode(totp(user.secret));
  await expect(page).toHaveURL(/\/$/);

  const cookie = await trustCookie(page.context());
  expect(cookie, 'the trust cookie').toBeDefined();
  expect(cookie!.httpOnly).toBe(true);
  expect(cookie!.sameSite).toBe('Lax');
  expect(cookie!.path).toBe('/');
  // Max-Age to the fixed expiry: 30 days from now.
  expect(Math.abs(cookie!.expires * 1000 - (Date.now() + 30 * 86_400_000))).toBeLessThan(120_000);
  expect((await sessionsOf(user.id))[0]!.second_factor).toBe('totp');
  expect(await auditActions(user.id)).toContain('trusted_browser.added');

  await signOut(page);
  await passwordOnly(page, user);
  await expect(page).toHaveURL(/\/$/);
  await new HomePage(page).expectSignedInAs(user.name, org.name);
  const [, trusted] = await sessionsOf(user.id);
  expect(trusted!.second_factor).toBe('trusted_browser');
  expect(trusted!.second_factor_at, 'step-up still asks for a code').toBeNull();

  const other = await browser.newContext({ javaScriptEnabled: withJs() });
  try {
    const otherPage = await other.newPage();
    await passwordOnly(otherPage, user);
    await expectAskedForCode(otherPage);
  } finally {
    await other.close();
  }
});

// Server rules on the code step: its JS-off path is walked by the first test (and the security-key one).
test('left unticked, nothing is trusted; a recovery code offers no trust', { tag: '@once' }, async ({ page, org }) => {
  const user = await org.userWith2fa();
  await passwordOnly(page, user);
  await new VerifyPage(page).submitCode(totp(user.secret));
  await expect(page).toHaveURL(/\/$/);
  expect(await trustCookie(page.context())).toBeUndefined();
  expect(await trustRows(user.id)).toHaveLength(0);
  await signOut(page);
  await passwordOnly(page, user);
  await expectAskedForCode(page);
  await page.getByRole('link', { name: 'Use a recovery code' }).click();
  await expect(page.getByLabel('Recovery code')).toBeVisible();
  await expect(trustBox(page)).toHaveCount(0);
});

test('a security key with the box ticked trusts the browser; without JavaScript the box goes with the key button', async ({ page, org }) => {
  const user = await org.userWith2fa();
  const key = await registerKey(user, org.id, 'usb');
  const authenticator = await VirtualAuthenticator.attach(page, 'usb');
  await holdKey(authenticator, key);
  await passwordOnly(page, user);
  const verify = new VerifyPage(page);
  if (!withJs()) {
    // The key needs JavaScript: a sentence stands in for its button, and no box is offered beside it.
    await expect(verify.keysNeedJavaScript()).toBeVisible();
    await expect(trustBox(page)).toHaveCount(0);
    await verify.chooseApp();
    await expect(trustBox(page)).toBeVisible();
    return;
  }
  await expect(verify.keyButton()).toBeVisible();
  await trustBox(page).check();
  await expectAccessible(page);
  await verify.useKey();
  await expect(page).toHaveURL(/\/$/);
  expect((await sessionsOf(user.id))[0]!.second_factor).toBe('webauthn');
  await signOut(page);
  await passwordOnly(page, user);
  await expect(page).toHaveURL(/\/$/);
});

// Server rules behind pages whose JS-off path the tests above walk: once (@once, see e2e/README.md).
test('the cookie is useless for another user: they are still asked for their code', { tag: '@once' }, async ({ page, org }) => {
  const owner = await org.userWith2fa();
  const other = await org.userWith2fa();
  await trustDirectly(page.context(), owner);
  await passwordOnly(page, other);
  await expectAskedForCode(page);
  await new VerifyPage(page).cancel();
  // The owner's trust is untouched by it.
  await passwordOnly(page, owner);
  await expect(page).toHaveURL(/\/$/);
});

test('a password change ends the trust', { tag: '@once' }, async ({ page, org }) => {
  const user = await org.userWith2fa();
  await trustDirectly(page.context(), user);
  await signInDirectly(page.context(), user.id, 'password', { secondFactor: true });
  await page.goto('/profile/password');
  await page.getByLabel('Current password').fill(user.password);
  await page.getByLabel('New password', { exact: true }).fill('a-brand-new-password-17');
  await page.getByLabel('Repeat the new password').fill('a-brand-new-password-17');
  await submit(page, page.getByRole('button', { name: 'Change password' }));
  await expect(page.getByText('Your password was changed.')).toBeVisible();
  expect(await trustRows(user.id)).toHaveLength(0);
  await page.goto('/');
  await signOut(page);
  await passwordOnly(page, { email: user.email, password: 'a-brand-new-password-17' });
  await expectAskedForCode(page);
});

test('an admin reset of 2FA and a 2FA change end the trust', { tag: '@once' }, async ({ page, org }) => {
  const user = await org.userWith2fa();
  await trustDirectly(page.context(), user);
  expect(await resetTwoFactor(user.id, { actor: operator, orgId: org.id, ip: null })).toBe(true);
  expect(await trustRows(user.id)).toHaveLength(0);
  // Without 2FA (optional policy) the password is all there is; the old trust plays no part.
  await passwordOnly(page, user);
  await expect(page).toHaveURL(/\/$/);
  expect((await sessionsOf(user.id)).at(-1)!.second_factor).toBeNull();
  await signOut(page);

  const second = await org.userWith2fa();
  await trustDirectly(page.context(), second);
  // Signed in by the trusted browser: step-up still asks for a second factor (here a recovery code,
  // since the app's current code was used a moment ago), and new recovery codes end the trust.
  await passwordOnly(page, second);
  await expect(page).toHaveURL(/\/$/);
  const tab = new TwoFactorPage(page);
  await tab.goto();
  await page.getByRole('link', { name: 'Regenerate recovery codes' }).click();
  await expect(page.getByLabel('Authentication code')).toBeVisible();
  await tab.goto();
  await tab.stepUp('Regenerate recovery codes', { password: second.password, recoveryCode: second.recoveryCodes[0]! });
  expect(await tab.recoveryCodes()).toHaveLength(10);
  expect(await trustRows(second.id)).toHaveLength(0);
  await page.goto('/');
  await signOut(page);
  await passwordOnly(page, second);
  await expectAskedForCode(page);
});

test('a recovery-code sign-in anywhere ends every trusted browser of the user', { tag: '@once' }, async ({ page, org, browser }) => {
  const user = await org.userWith2fa();
  await trustDirectly(page.context(), user);
  const other = await browser.newContext({ javaScriptEnabled: withJs() });
  try {
    const otherPage = await other.newPage();
    await passwordOnly(otherPage, user);
    await new VerifyPage(otherPage).submitRecoveryCode(user.recoveryCodes[0]!);
    await expect(otherPage).toHaveURL(/\/profile\/2fa/);
  } finally {
    await other.close();
  }
  expect(await trustRows(user.id)).toHaveLength(0);
  await passwordOnly(page, user);
  await expectAskedForCode(page);
});

test('the Devices tab lists the trusted browser; Remove ends it', async ({ page, org }) => {
  const user = await org.userWith2fa();
  await trustDirectly(page.context(), user);
  await signInDirectly(page.context(), user.id, 'password', { secondFactor: true });
  await page.goto('/profile/sessions');
  const list = page.getByRole('list', { name: 'Trusted browsers' });
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(list).toContainText('(this browser)');
  await expect(list).toContainText('Expires');
  await expectAccessible(page);
  await submit(page, list.getByRole('button', { name: /^Remove this browser/ }));
  await expect(page.getByRole('status')).toContainText('The browser was removed');
  await expect(page.getByText('No browser is trusted.')).toBeVisible();
  await expectAccessible(page);
  expect(await auditActions(user.id)).toContain('trusted_browser.removed');
  await page.goto('/');
  await signOut(page);
  await passwordOnly(page, user);
  await expectAskedForCode(page);
});

test('the admin setting: off hides the box and ignores cookies; days are 1–30, bad input changes nothing', async ({ page }) => {
  const org = await TestOrg.create('optional');
  const admin = await org.userWith2fa({ role: 'admin' });
  const user = await org.userWith2fa();
  await trustDirectly(page.context(), admin);
  await signInDirectly(page.context(), admin.id, 'password', { secondFactor: true });
  await page.goto('/admin/settings');
  const days = page.getByLabel('Days (1–30)');
  await expect(days).toHaveValue('30');
  await days.fill('0');
  await submit(page, page.getByRole('button', { name: 'Save trusted browser setting' }));
  await expect(page.getByText('Enter a whole number of days from 1 to 30.').first()).toBeVisible();
  await expectAccessible(page);
  const stored = async () => (await rawRows<{ allowed: unknown; days: number }>(sql`select trusted_browsers as allowed, trusted_browser_days as days from organizations where id = ${org.id}`))[0]!;
  expect(Number((await stored()).days)).toBe(30);
  await page.getByLabel('Days (1–30)').fill('7');
  await submit(page, page.getByRole('button', { name: 'Save trusted browser setting' }));
  await expect(page.getByText('Saved. People may trust a browser for 7 days.')).toBeVisible();
  expect(Number((await stored()).days)).toBe(7);
  await page.getByLabel('Allow trusted browsers').uncheck();
  await submit(page, page.getByRole('button', { name: 'Save trusted browser setting' }));
  await expect(page.getByText(/Saved\. Browsers can no longer be trusted/)).toBeVisible();
  await expectAccessible(page);
  expect(Boolean((await stored()).allowed)).toBe(false);
  expect(await auditActions(admin.id)).toContain('trusted_browser.added');

  // The admin's own trusted browser is ignored now, and no box is offered.
  await page.goto('/');
  await signOut(page);
  await passwordOnly(page, admin);
  await expectAskedForCode(page);
  await expect(trustBox(page)).toHaveCount(0);
  await expectAccessible(page);
  await new VerifyPage(page).cancel();
  await passwordOnly(page, user);
  await expect(trustBox(page)).toHaveCount(0);
});

test('a cookie kept while trust is off for a moment is ignored, and days lowered take effect at once', { tag: '@once' }, async ({ page, org }) => {
  const user = await org.userWith2fa();
  await trustDirectly(page.context(), user);
  // Off, without the settings page (which would also end the rows): the sign-in reads the setting itself.
  await writeTransaction((tx) => tx.update(organizations).set({ trustedBrowsers: false }).where(eq(organizations.id, org.id)));
  await passwordOnly(page, user);
  await expectAskedForCode(page);
  await new VerifyPage(page).cancel();
  await writeTransaction((tx) => tx.update(organizations).set({ trustedBrowsers: true }).where(eq(organizations.id, org.id)));
  await passwordOnly(page, user);
  await expect(page).toHaveURL(/\/$/);
  await signOut(page);
  // One day: the trust was made seconds ago, so it still holds; then the operator turns it off for good.
  expect(await setTrustSetting(org.id, { allowed: true, days: 1 }, operator)).toEqual({ changed: true, ended: 0 });
  await passwordOnly(page, user);
  await expect(page).toHaveURL(/\/$/);
  await signOut(page);
  expect(await setTrustSetting(org.id, { allowed: false, days: 1 }, operator)).toEqual({ changed: true, ended: 1 });
  await passwordOnly(page, user);
  await expectAskedForCode(page);
});

test('the trust expires after its days (a day lowered to 2 seconds)', { tag: '@once' }, async ({ page, org }) => {
  const server = await startExtraServer(3460 + test.info().workerIndex, { DESKGATE_TRUSTED_BROWSER_DAY_SECONDS: '2' }, { log: path.join(e2eDir, `extra-server-trust-${test.info().workerIndex}.log`) });
  try {
    const base = server.baseURL;
    // 4 days of 2 seconds: long enough to use it once, short enough to watch it end.
    await setTrustSetting(org.id, { allowed: true, days: 4 }, operator);
    const user = await org.userWith2fa();
    await page.goto(`${base}/login`);
    await new LoginPage(page).submitPassword(user.email, user.password);
    await expect(trustBox(page)).toHaveAccessibleName('Trust this browser for 4 days');
    await trustBox(page).check();
    await new VerifyPage(page).submitCode(totp(user.secret));
    await expect(page).toHaveURL(`${base}/`);
    const trustedAt = Date.now();
    const cookie = (await trustCookie(page.context()))!;
    // Max-Age runs to the fixed expiry: the browser drops the cookie when the trust ends.
    expect(cookie.expires * 1000).toBeLessThanOrEqual(trustedAt + 8_000 + 1_000);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await passwordOnly(page, user, base);
    await expect(page).toHaveURL(`${base}/`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForTimeout(Math.max(0, trustedAt + 9_000 - Date.now()));
    expect(await trustCookie(page.context()), 'expired in the browser').toBeUndefined();
    // A copy kept past its expiry is refused by the server too, which deletes the row.
    await page.context().addCookies([{ name: cookie.name, value: cookie.value, url: base, httpOnly: true, sameSite: 'Lax' }]);
    await passwordOnly(page, user, base);
    await expect(page).toHaveURL(`${base}/login/verify`);
    expect(await trustRows(user.id), 'the expired row is deleted').toHaveLength(0);
  } finally {
    await server.stop();
  }
});

test('allowing trusted browsers, or more days, asks the admin to confirm it’s them; fewer days do not', async ({ page }) => {
  const org = await TestOrg.create('optional');
  const admin = await org.userWith2fa({ role: 'admin' });
  // Signed in with a code just now: the step-up asks for the password only.
  await new LoginPage(page).signInWithCode(admin);
  await page.goto('/admin/settings');
  const stored = async () => (await rawRows<{ days: number }>(sql`select trusted_browser_days as days from organizations where id = ${org.id}`))[0]!;
  await page.getByLabel('Days (1–30)').fill('5');
  await submit(page, page.getByRole('button', { name: 'Save trusted browser setting' }));
  await expect(page.getByText('Saved. People may trust a browser for 5 days.')).toBeVisible();
  await page.getByLabel('Days (1–30)').fill('20');
  await submit(page, page.getByRole('button', { name: 'Save trusted browser setting' }));
  const confirm = page.locator('#trust-password');
  await expect(confirm).toBeVisible();
  await expect(page.getByRole('group', { name: /To allow trusted browsers or more days/ })).toBeVisible();
  expect(Number((await stored()).days)).toBe(5);
  await expectAccessible(page);
  await expect(page.getByLabel('Days (1–30)')).toHaveValue('20');
  await confirm.fill(admin.password);
  await submit(page, page.getByRole('button', { name: 'Save trusted browser setting' }));
  await expect(page.getByText('Saved. People may trust a browser for 20 days.')).toBeVisible();
  expect(Number((await stored()).days)).toBe(20);
});
