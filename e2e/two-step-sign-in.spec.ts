import { expect, expectAccessible, TestOrg, test, totp } from './fixtures';
import { HomePage } from './pages/home-page';
import { LoginPage } from './pages/login-page';
import { TwoFactorPage } from './pages/two-factor-page';
import { VerifyPage } from './pages/verify-page';
import { ageLastCode, auditActions, liveSessions } from './support/db';

const step = () => Math.floor(Date.now() / 30_000);

test('TOTP sign-in; the same code is refused next time, a later step is accepted', async ({ page, org, loginPage }) => {
  const user = await org.userWith2fa();
  const verify = new VerifyPage(page);
  await loginPage.goto();
  await loginPage.submitPassword(user.email, user.password);
  await verify.expectShown();
  await expect(page.getByLabel('Authentication code')).toHaveAttribute('autocomplete', 'one-time-code');
  await expect(page.getByLabel('Authentication code')).toHaveAttribute('inputmode', 'numeric');
  await expectAccessible(page);
  const now = step();
  await verify.submitCode(totp(user.secret, now));
  await expect(page).toHaveURL(/\/$/);
  await new HomePage(page).expectSignedInAs(user.name, org.name);
  await new HomePage(page).signOut();

  await loginPage.submitPassword(user.email, user.password);
  await verify.submitCode(totp(user.secret, now));
  await expect(verify.error()).toContainText("That code didn't work");
  await expect(verify.error()).toContainText('clock');
  await expectAccessible(page);
  await verify.submitCode(totp(user.secret, now + 1));
  await expect(page).toHaveURL(/\/$/);
  expect(await auditActions(user.id)).toContain('sign_in');
});

// The hint is the server's answer to the same code forms whose JS-off path the other tests walk (@once).
test("a phone whose clock is 5 minutes fast or slow is told so, at setup and at sign-in; 15 minutes off gets the plain message; none is accepted", { tag: '@once' }, async ({ page, loginPage }) => {
  const org = await TestOrg.create('required');
  const user = await org.user();
  await loginPage.goto();
  await loginPage.submitPassword(user.email, user.password);
  const tab = new TwoFactorPage(page);
  const secret = await tab.setupKey();
  // At setup, where a wrong clock is the commonest reason a first code fails.
  await tab.submitCode(totp(secret, step() + 10));
  await expect(tab.error()).toContainText(/your phone's clock looks about (5|4|6) minutes fast\. Turn on automatic date and time/);
  await expectAccessible(page);
  await tab.submitCode(totp(secret, step() - 30));
  await expect(tab.error()).not.toContainText('looks about');
  await expect(tab.error()).toContainText("That code didn't work");
  await tab.submitCode(totp(secret));
  expect(await tab.recoveryCodes()).toHaveLength(10);
  await page.getByLabel('I have saved these codes').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/\/$/);
  await new HomePage(page).signOut();

  // At sign-in, a day later: the last accepted code is old, so a code 5 minutes old is the clock, not a replay.
  await ageLastCode(user.id, 24 * 60);
  const verify = new VerifyPage(page);
  await loginPage.submitPassword(user.email, user.password);
  await verify.submitCode(totp(secret, step() + 10));
  await expect(verify.error()).toContainText(/looks about (5|4|6) minutes fast\..* 4 attempts left\./);
  await verify.submitCode(totp(secret, step() - 10));
  await expect(verify.error()).toContainText(/looks about (5|4|6) minutes slow\..* 3 attempts left\./);
  await verify.submitCode(totp(secret, step() + 30));
  await expect(verify.error()).toContainText(/That code didn't work\. Check that your phone's clock is set automatically.* 2 attempts left\./);
  expect(await liveSessions(user.id)).toBe(0);
  await verify.submitCode(totp(secret));
  await expect(page).toHaveURL(/\/$/);
  expect((await auditActions(user.id)).filter((a) => a === 'sign_in.second_factor_failed')).toHaveLength(3);
});

test('a recovery code signs in once, lands on the 2FA tab with a prompt; its reuse is refused', async ({ page, org, loginPage }) => {
  const user = await org.userWith2fa();
  const verify = new VerifyPage(page);
  await loginPage.goto();
  await loginPage.submitPassword(user.email, user.password);
  await verify.submitRecoveryCode(user.recoveryCodes[0]!.toLowerCase());
  await expect(page).toHaveURL(/\/profile\/2fa\?recovered=1$/);
  await expect(page.getByText('You signed in with a recovery code')).toBeVisible();
  await expect(new TwoFactorPage(page).codesLeft()).toHaveText(/^9 of 10/);
  await expectAccessible(page);
  await new HomePage(page).signOut();

  await loginPage.submitPassword(user.email, user.password);
  await verify.submitRecoveryCode(user.recoveryCodes[0]!);
  await expect(verify.error()).toContainText("That recovery code didn't work");
  expect(await auditActions(user.id)).toContain('sign_in.recovery_code_used');
});

for (const kind of ['organization policy', 'per-user flag'] as const) {
  test(`forced setup (${kind}): the interstitial cannot be skipped, and the session starts after Continue`, async ({ page, loginPage }) => {
    const org = await TestOrg.create(kind === 'organization policy' ? 'required' : 'optional');
    const user = await org.user();
    if (kind === 'per-user flag') await org.requireTwoFactor(user);
    await loginPage.goto();
    await loginPage.submitPassword(user.email, user.password);
    await expect(page).toHaveURL(/\/login\/setup-2fa$/);
    // The interstitial is the same page whichever rule requires it: one accessibility check of each step.
    if (kind === 'organization policy') await expectAccessible(page);
    for (const path of ['/', '/profile/2fa', '/admin/users', '/login/verify']) {
      await page.goto(path);
      await expect(page).toHaveURL(/\/login(\?|$)/);
    }
    expect(await liveSessions(user.id)).toBe(0);
    await page.goto('/login/setup-2fa');
    const tab = new TwoFactorPage(page);
    const secret = await tab.setupKey();
    await tab.submitCode(totp(secret));
    expect(await tab.recoveryCodes()).toHaveLength(10);
    expect(await liveSessions(user.id)).toBe(0);
    if (kind === 'organization policy') await expectAccessible(page);
    await page.getByLabel('I have saved these codes').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page).toHaveURL(/\/$/);
    expect(await liveSessions(user.id)).toBe(1);
  });
}

test('Cancel ends the challenge', async ({ page, org, loginPage }) => {
  const user = await org.userWith2fa();
  await loginPage.goto();
  await loginPage.submitPassword(user.email, user.password);
  await new VerifyPage(page).cancel();
  await page.goto('/login/verify');
  await expect(page).toHaveURL(/\/login\?notice=expired/);
  await expect(page.getByText('has expired')).toBeVisible();
});

test('posting email and password straight to the credentials callback gives no session', { tag: '@once' }, async ({ org, request }) => {
  const user = await org.user();
  const { csrfToken } = await (await request.get('/api/auth/csrf')).json();
  const response = await request.post('/api/auth/callback/credentials', { form: { csrfToken, email: user.email, password: user.password, challenge: '' }, maxRedirects: 0 });
  expect(response.headers()['set-cookie'] ?? '').not.toMatch(/session-token=[^;]/);
  expect(await liveSessions(user.id)).toBe(0);
});

test('5 wrong codes end the challenge; 10 per user lock the second step across challenges and browsers', { tag: '@once' }, async ({ page, browser, org, loginPage }) => {
  const user = await org.userWith2fa();
  const verify = new VerifyPage(page);
  await loginPage.goto();
  await loginPage.submitPassword(user.email, user.password);
  for (let i = 1; i <= 4; i++) {
    await verify.submitCode('000000');
    await expect(verify.error()).toContainText(`${5 - i} attempt`);
  }
  await verify.submitCode('000000');
  await expect(page).toHaveURL(/\/login\?notice=too-many/);

  // A new browser, a new challenge: the per-user count goes on.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  const otherLogin = new LoginPage(otherPage);
  await otherLogin.goto();
  await otherLogin.submitPassword(user.email, user.password);
  const otherVerify = new VerifyPage(otherPage);
  for (let i = 0; i < 4; i++) await otherVerify.submitCode('111111');
  await otherLogin.goto();
  await otherLogin.submitPassword(user.email, user.password);
  await otherVerify.submitCode('222222');
  await expect(otherVerify.error()).toContainText('attempt');
  // The 11th attempt: locked, even with the right code.
  await otherVerify.submitCode(totp(user.secret));
  await expect(otherVerify.error()).toContainText('locked for 15 minutes');
  expect(await liveSessions(user.id)).toBe(0);
  expect(await auditActions(user.id)).toContain('sign_in.locked');
  await other.close();
});
