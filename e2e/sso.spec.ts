import { randomBytes } from 'node:crypto';
import { expect, expectAccessible, TestOrg, test } from './fixtures';
import { HomePage } from './pages/home-page';
import { idpAccount, signInWithSso } from './pages/sso';
import { auditActions, liveSessions, userRow } from './support/db';
import { startExtraServer, type ExtraServer } from './support/server';

const accountId = () => `idp-${randomBytes(5).toString('hex')}`;

test('an SSO user of a required organization reaches the start page with no 2FA step', async ({ page }) => {
  const org = await TestOrg.create('required');
  const user = await org.user({ method: 'sso' });
  const id = accountId();
  await idpAccount(id, { email: user.email, email_verified: true, name: user.name });
  // The sign-in page with its SSO button: sign-in.spec.ts checks its accessibility.
  await signInWithSso(page, id);
  await expect(page).toHaveURL(/\/$/);
  await new HomePage(page).expectSignedInAs(user.name, org.name);
  await expect(page.getByText('Single sign-on')).toBeVisible();
  expect((await userRow(user.id)).oidcSubject).toBe(id);
  expect(await auditActions(user.id)).toEqual(expect.arrayContaining(['sso.linked', 'sign_in']));

  await page.goto('/profile/2fa');
  await expect(page.getByText('Your sign-in and 2FA are handled by your identity provider')).toBeVisible();
  expect(await liveSessions(user.id)).toBe(1);
  await new HomePage(page).signOut();
  expect(await liveSessions(user.id)).toBe(0);
});

test('unknown, unverified and password-user emails are refused with a clear message', { tag: '@once' }, async ({ page, org }) => {
  const passwordUser = await org.user();
  const ssoUser = await org.user({ method: 'sso' });
  const cases: [{ email: string; email_verified: boolean }, RegExp][] = [
    [{ email: `nobody-${randomBytes(3).toString('hex')}@nowhere.example`, email_verified: true }, /no account here for the email address/],
    [{ email: ssoUser.email, email_verified: false }, /did not confirm your email address/],
    [{ email: passwordUser.email, email_verified: true }, /signs in with email and password, not through single sign-on/],
  ];
  for (const [claims, message] of cases) {
    await page.context().clearCookies();
    const id = accountId();
    await idpAccount(id, claims);
    await signInWithSso(page, id);
    await expect(page).toHaveURL(/\/login\?sso=/);
    await expect(page.locator('p[role=alert]')).toHaveText(message);
    await expectAccessible(page);
  }
  expect(await liveSessions(passwordUser.id)).toBe(0);
  expect(await liveSessions(ssoUser.id)).toBe(0);
  expect((await userRow(ssoUser.id)).oidcSubject).toBeNull();
});

test('a changed email at the IdP does not re-link: the identity stays bound to its first user', { tag: '@once' }, async ({ page, org }) => {
  const first = await org.user({ method: 'sso', name: 'First Person' });
  const second = await org.user({ method: 'sso', name: 'Second Person' });
  const id = accountId();
  await idpAccount(id, { email: first.email, email_verified: true });
  await signInWithSso(page, id);
  await new HomePage(page).expectSignedInAs('First Person', org.name);
  await new HomePage(page).signOut();

  // The IdP account now claims the second user's email: it still signs in as the first.
  await page.context().clearCookies();
  await idpAccount(id, { email: second.email, email_verified: true });
  await signInWithSso(page, id);
  await new HomePage(page).expectSignedInAs('First Person', org.name);
  expect(await liveSessions(second.id)).toBe(0);

  // Another IdP account with the first user's email cannot take it over.
  await page.context().clearCookies();
  const intruder = accountId();
  await idpAccount(intruder, { email: first.email, email_verified: true });
  await signInWithSso(page, intruder);
  await expect(page.locator('p[role=alert]')).toHaveText(/already linked to another identity/);
});

test('an SSO user cannot sign in with a password', { tag: '@once' }, async ({ org, loginPage }) => {
  const user = await org.user({ method: 'sso' });
  await loginPage.goto();
  await loginPage.submitPassword(user.email, user.password);
  await expect(loginPage.error()).toContainText("don't match an account that can sign in here");
});

test.describe('configuration', () => {
  let servers: ExtraServer[] = [];
  test.afterAll(async () => Promise.all(servers.map((s) => s.stop())));

  // The SSO button's JS-off post is walked by the first test; these are configurations behind it (@once).
  test('the SSO button appears only when an IdP is configured; an unreachable IdP gets a clear message', { tag: '@once' }, async ({ page }, info) => {
    const without = await startExtraServer(3350 + info.workerIndex * 2, { OIDC_ISSUER: '', OIDC_CLIENT_ID: '', OIDC_CLIENT_SECRET: '' });
    const unreachable = await startExtraServer(3351 + info.workerIndex * 2, { OIDC_ISSUER: 'http://127.0.0.1:9' });
    servers = [without, unreachable];
    await page.goto(`${without.baseURL}/login`);
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    // No button names an identity provider ("Sign in with a passkey" is not one).
    await expect(page.getByRole('button', { name: /^Sign in with (?!a passkey)/ })).toHaveCount(0);

    await page.goto(`${unreachable.baseURL}/login`);
    await page.getByRole('button', { name: 'Sign in with Test IdP' }).click();
    await expect(page).toHaveURL(/\/login\?error=/);
    await expect(page.locator('p[role=alert]')).toHaveText(/Signing in with Test IdP did not work/);
    await expect(page).toHaveTitle(/Sign in/);
    await expectAccessible(page);
  });
});
