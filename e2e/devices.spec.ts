import { request as playwrightRequest, type Locator, type Page } from '@playwright/test';
import { and, eq, isNull } from 'drizzle-orm';
import { db, writeTransaction } from '@/db';
import { auditEvents, sessions } from '@/db/schema';
import { expect, expectAccessible, TestOrg, test } from './fixtures';
import { LoginPage } from './pages/login-page';
import { VerifyPage } from './pages/verify-page';
import { postAction } from './support/actions';
import { liveSessions } from './support/db';
import { baseURL } from './support/env';
import { newSessionCookie, signInDirectly } from './support/sessions';
import { submit } from './support/submit';
import { tokenDigest } from '@/lib/auth/tokens';

// The Devices tab (/profile/sessions): every live session of the user, "This browser" marked; end one,
// or all but this one. Admins sign a user out everywhere from the users table (step-up). JS on and off.

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
// The test's own browser reads as Chrome 131 on Linux; the second one as Firefox on Windows.
test.use({ userAgent: CHROME });
test.describe.configure({ timeout: 90_000 });

const withJs = () => test.info().project.use.javaScriptEnabled !== false;

/** A request context holding only this session cookie: whoever copied it. */
function holding(cookie: { name: string; value: string }) {
  const cookies = [{ ...cookie, domain: new URL(baseURL).hostname, path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' as const }];
  return playwrightRequest.newContext({ baseURL, storageState: { cookies, origins: [] } });
}

async function tabTo(page: Page, target: Locator) {
  for (let i = 0; i < 60; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error('Tab never reached the element');
}

const sessionItem = (page: Page, label: string) => page.getByTestId('session').filter({ has: page.getByRole('heading', { name: label }) });
const audited = async (action: string, userId: number) =>
  (await (await db()).select({ actorUserId: auditEvents.actorUserId, detail: auditEvents.detail }).from(auditEvents).where(and(eq(auditEvents.action, action), eq(auditEvents.targetUserId, userId))));

test('two browsers: the tab lists both with this one marked; "Sign out everywhere else" ends the other, copied cookie and all', async ({ page, browser }) => {
  const org = await TestOrg.create('optional');
  const user = await org.userWith2fa({ name: 'Devi Twobrowsers' });
  await new LoginPage(page).signInWithCode(user);
  const second = await browser.newContext({ baseURL, userAgent: FIREFOX, javaScriptEnabled: withJs() });
  const other = await second.newPage();
  // The app's code was just used (a replay would be refused): the second browser passes with a recovery code.
  const otherLogin = new LoginPage(other);
  await otherLogin.goto();
  await otherLogin.submitPassword(user.email, user.password);
  await new VerifyPage(other).submitRecoveryCode(user.recoveryCodes[0]!);
  await expect(other).toHaveURL(/\/profile\/2fa/);
  const [otherCookie] = (await second.cookies()).filter((c) => c.name === 'authjs.session-token');
  const copied = await holding(otherCookie!);

  // Keyboard only from the profile's tabs to the Devices tab.
  await page.goto('/profile/2fa');
  await tabTo(page, page.getByRole('link', { name: 'Devices' }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/profile\/sessions$/);
  await expect(page.getByRole('heading', { name: 'Devices', level: 2 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Devices' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('session')).toHaveCount(2);
  const mine = sessionItem(page, 'Chrome 131 on Linux');
  const theirs = sessionItem(page, 'Firefox 133 on Windows');
  await expect(mine.getByText('This browser')).toBeVisible();
  await expect(theirs.getByText('This browser')).toHaveCount(0);
  for (const [item, factor] of [[mine, 'Authenticator app'], [theirs, 'Recovery code']] as const) {
    await expect(item.getByRole('definition').nth(0)).toHaveText('Password');
    await expect(item.getByRole('definition').nth(1)).toHaveText(factor);
    await expect(item.locator('time')).toHaveCount(2);
  }
  await expect(theirs.getByRole('button', { name: /^Sign out Firefox 133 on Windows, signed in \d{4}-\d\d-\d\d \d\d:\d\d UTC$/ })).toBeVisible();
  // The other browser sees the same two, with itself marked.
  await other.goto('/profile/sessions');
  await expect(sessionItem(other, 'Firefox 133 on Windows').getByText('This browser')).toBeVisible();
  // Both rows carry where they came from, as the throttles see it.
  const rows = await (await db()).select({ address: sessions.clientAddress, agent: sessions.userAgent, factor: sessions.secondFactor }).from(sessions).where(eq(sessions.userId, user.id));
  expect(rows.map((r) => [r.agent, r.factor]).sort()).toEqual([[FIREFOX, 'recovery_code'], [CHROME, 'totp']]);
  for (const row of rows) expect(row.address).toBeTruthy();
  await expectAccessible(page);

  // "Sign out everywhere else", with the keyboard alone.
  await tabTo(page, page.getByRole('button', { name: 'Sign out everywhere else' }));
  await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.keyboard.press('Enter')]);
  await expect(page.getByRole('status').filter({ hasText: 'You were signed out everywhere else. This browser stays signed in.' })).toBeVisible();
  await expect(page.getByTestId('session')).toHaveCount(1);
  await expect(page.getByText('No other browser is signed in.')).toBeVisible();
  await expectAccessible(page);

  await other.goto('/profile/sessions');
  await expect(other, 'the other browser is signed out on its next request').toHaveURL(/\/login/);
  const replay = await copied.get('/profile/sessions', { maxRedirects: 0 });
  expect(replay.status(), 'a copy of its cookie opens nothing').toBe(307);
  expect(replay.headers().location).toMatch(/\/login/);
  expect((await audited('sessions.revoked_others', user.id)).map((e) => e.detail)).toEqual(['{"count":1}']);
  await copied.dispose();
  await second.close();

  // Nothing else left to end: a sentence, not an empty button.
  await expect(page.getByRole('button', { name: 'Sign out everywhere else' })).toHaveCount(0);
});

test('a row\'s "Sign out" ends that session; one that ended meanwhile says so; this browser\'s signs out', async ({ page, org }) => {
  const user = await org.user();
  // Signed in without the UI (the test above walks it and checks what a sign-in records), as from this Chrome.
  await signInDirectly(page.context(), user.id, 'password');
  await writeTransaction((tx) => tx.update(sessions).set({ userAgent: CHROME }).where(eq(sessions.userId, user.id)));
  const stale = await newSessionCookie(user.id, 'password');
  const laptop = await newSessionCookie(user.id, 'password');
  const copied = await holding(laptop);
  // Neither came through a browser here: no User-Agent recorded.
  await writeTransaction((tx) => tx.update(sessions).set({ userAgent: FIREFOX }).where(eq(sessions.id, tokenDigest(laptop.sessionId))));

  await page.goto('/profile/sessions');
  await expect(page.getByTestId('session')).toHaveCount(3);
  await expect(sessionItem(page, 'Unknown browser').getByRole('definition').nth(1)).toHaveText('None');
  await submit(page, sessionItem(page, 'Firefox 133 on Windows').getByRole('button', { name: /^Sign out Firefox 133 on Windows, signed in / }));
  await expect(page.getByRole('status').filter({ hasText: 'That session was signed out. Whoever used it has to sign in again.' })).toBeVisible();
  await expect(page.getByTestId('session')).toHaveCount(2);
  expect((await copied.get('/', { maxRedirects: 0 })).status(), 'its cookie opens nothing').toBe(307);
  const [event] = await audited('session.revoked', user.id);
  expect(JSON.parse(event!.detail!)).toMatchObject({ device: 'Firefox 133 on Windows', current: false });
  await expectAccessible(page);

  // Ended elsewhere while the list was open: the button says so and changes nothing.
  await writeTransaction((tx) => tx.update(sessions).set({ revokedAt: Date.now() }).where(eq(sessions.id, tokenDigest(stale.sessionId))));
  await submit(page, sessionItem(page, 'Unknown browser').getByRole('button', { name: /^Sign out Unknown browser/ }));
  await expect(page.getByText('That session has already ended, or is not one of yours. Nothing was changed.').first()).toBeVisible();
  await expect(page).toHaveURL(/\/profile\/sessions/);
  await expectAccessible(page);

  // This browser's row signs out as the header does.
  await page.goto('/profile/sessions');
  await submit(page, page.getByRole('button', { name: /^Sign out this browser, Chrome 131 on Linux, signed in / }));
  await expect(page).toHaveURL(/\/login/);
  expect(await liveSessions(user.id)).toBe(0);
  await copied.dispose();
});

test('a forged "Sign out" with another user\'s session key is refused and changes nothing', { tag: '@once' }, async ({ page, org }) => {
  const user = await org.user();
  const victim = await org.user();
  await signInDirectly(page.context(), user.id, 'password');
  const { sessionId } = await newSessionCookie(victim.id, 'password');
  await page.goto('/profile/sessions');
  const response = await postAction(page.context().request, 'endSessionAction', { session: tokenDigest(sessionId) });
  expect(response.status()).toBe(200);
  expect(await response.text()).toContain('That session has already ended, or is not one of yours. Nothing was changed.');
  expect(await liveSessions(victim.id), 'the victim stays signed in').toBe(1);
  expect(await liveSessions(user.id)).toBe(1);
  expect(await audited('session.revoked', victim.id)).toEqual([]);
  // Malformed keys: a clear message, nothing ended.
  for (const session of ['', 'x', tokenDigest(sessionId) + '=', '../../etc']) {
    const bad = await postAction(page.context().request, 'endSessionAction', { session });
    expect(bad.status()).toBe(200);
    expect(await bad.text()).toContain('Choose a session.');
  }
  expect(await liveSessions(victim.id)).toBe(1);
});

test('an admin signs a member out everywhere from the users table, after the step-up; their own row signs them out too', async ({ page }) => {
  const org = await TestOrg.create('optional');
  const admin = await org.user({ role: 'admin', name: 'Ada Signout' });
  const member = await org.user({ name: 'Mia Member' });
  const copies = [await holding(await newSessionCookie(member.id, 'password')), await holding(await newSessionCookie(member.id, 'password'))];
  await signInDirectly(page.context(), admin.id, 'password');

  await page.goto('/admin/users');
  await page.getByRole('link', { name: 'Sign out everywhere for Mia Member' }).click();
  const confirm = withJs() ? page.getByRole('dialog', { name: 'Sign Mia Member out everywhere?' }) : page.locator('main');
  await expect(confirm.getByRole('heading', { name: 'Sign Mia Member out everywhere?' })).toBeVisible();
  if (!withJs()) await expect(page).toHaveURL(new RegExp(`/admin/users/${member.id}/sign-out$`));
  await expectAccessible(page);
  await confirm.getByLabel('Your password').fill('not-the-password-1');
  await submit(page, confirm.getByRole('button', { name: 'Sign out everywhere' }));
  await expect(confirm.getByText("That password isn't right.").first()).toBeVisible();
  expect(await liveSessions(member.id), 'nothing ended').toBe(2);
  await expectAccessible(page);
  await confirm.getByLabel('Your password').fill(admin.password);
  await submit(page, confirm.getByRole('button', { name: 'Sign out everywhere' }));
  await expect(page.getByRole('status').filter({ hasText: 'Mia Member was signed out everywhere.' })).toBeVisible();
  await expectAccessible(page);
  for (const copy of copies) {
    expect((await copy.get('/', { maxRedirects: 0 })).status(), 'every copied cookie is dead').toBe(307);
    await copy.dispose();
  }
  expect(await liveSessions(member.id)).toBe(0);
  expect(await audited('sessions.revoked_all', member.id)).toEqual([{ actorUserId: admin.id, detail: '{"count":2}' }]);

  // Their own row: allowed, and it ends their own session.
  await page.goto(`/admin/users/${admin.id}/sign-out`);
  await page.locator('main').getByLabel('Your password').fill(admin.password);
  await submit(page, page.locator('main').getByRole('button', { name: 'Sign out everywhere' }));
  await expect(page).toHaveURL(/\/login/);
  const [open] = await (await db()).select({ id: sessions.id }).from(sessions).where(and(eq(sessions.userId, admin.id), isNull(sessions.revokedAt)));
  expect(open).toBeUndefined();
});
