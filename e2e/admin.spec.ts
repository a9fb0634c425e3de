import { expect, expectAccessible, TestOrg, test, totp } from './fixtures';
import { LoginPage } from './pages/login-page';
import { auditActions, liveSessions, organizationPolicy, userRow } from './support/db';
import { baseURL } from './support/env';
import { actionFields } from './support/forms';
import { bulkUsers } from './support/accounts';
import { signInDirectly } from './support/sessions';
import { waitForMail } from './support/mailbox';

test('the users table shows each kind of user; search, filter and paging live in the URL', async ({ page, org }) => {
  const admin = await org.user({ role: 'admin', name: 'Zed Admin' });
  const enrolled = await org.userWith2fa({ name: 'Alice Enrolled' });
  const flagged = await org.user({ name: 'Bob Flagged' });
  await org.requireTwoFactor(flagged);
  await org.user({ name: 'Carol Plain' });
  await org.user({ method: 'sso', name: 'Dave Sso' });
  await signInDirectly(page.context(), admin.id, 'password');
  await page.goto('/admin/users');
  const row = (name: string) => page.getByRole('row', { name: new RegExp(name) });
  await expect(row('Alice Enrolled')).toContainText('Enabled');
  await expect(row('Alice Enrolled')).toContainText('10');
  await expect(row('Bob Flagged')).toContainText('Required, not set up');
  await expect(row('Carol Plain')).toContainText('Not set up');
  await expect(row('Dave Sso')).toContainText('Managed by identity provider');
  await expect(row('Zed Admin')).toContainText('Use your profile for your own 2FA');
  await expectAccessible(page);
  expect(enrolled.email).toBeTruthy();

  await page.getByLabel('Search name or email').fill('car');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/q=car/);
  await expect(page.getByRole('row')).toHaveCount(2);
  await page.goto('/admin/users?state=sso');
  await expect(page.getByRole('row')).toHaveCount(2);
  await expect(row('Dave Sso')).toBeVisible();
  await page.goto('/admin/users?q=nobody-here');
  await expect(page.getByText('No users match.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Show all users' })).toBeVisible();
  await expectAccessible(page);
  await page.goto('/admin/users?sort=bogus&state=bogus&after=%%%');
  await expect(row('Alice Enrolled')).toBeVisible();
});

test('reset 2FA end to end: confirm page, sessions end, setup at next sign-in when required, audited', async ({ page, browser }) => {
  const org = await TestOrg.create('required');
  const admin = await org.userWith2fa({ role: 'admin' });
  const victim = await org.userWith2fa({ name: 'Victor Lostphone' });
  const victimContext = await browser.newContext();
  await signInDirectly(victimContext, victim.id, 'password');
  const victimPage = await victimContext.newPage();
  await victimPage.goto('/');
  await expect(victimPage.getByRole('heading', { name: /Welcome/ })).toBeVisible();

  await signInDirectly(page.context(), admin.id, 'password');
  await page.goto('/admin/users');
  await page.getByRole('link', { name: 'Reset 2FA of Victor Lostphone' }).click();
  // Without JavaScript: a confirmation page. With it: the same confirmation in a modal dialog.
  const confirm = test.info().project.use.javaScriptEnabled === false ? page.locator('main') : page.getByRole('dialog', { name: 'Reset 2FA of Victor Lostphone?' });
  await expect(confirm.getByRole('heading', { name: 'Reset 2FA of Victor Lostphone?' })).toBeVisible();
  if (test.info().project.use.javaScriptEnabled === false) await expect(page).toHaveURL(/\/reset$/);
  await expectAccessible(page);
  await confirm.getByLabel(/Reason/).fill('lost phone');
  await confirm.getByLabel('Your password').fill(admin.password);
  await confirm.getByLabel('Authentication code').fill(totp(admin.secret));
  await confirm.getByRole('button', { name: 'Reset 2FA' }).click();
  await expect(page.getByText(`2FA of ${victim.name} was reset`)).toBeVisible();
  expect((await userRow(victim.id)).totpSecret).toBeNull();
  expect(await liveSessions(victim.id)).toBe(0);
  expect(await auditActions(victim.id)).toContain('2fa.reset');
  // The user is told, once, by whom (never the reason's text: the admin's words are for the audit log).
  const told = await waitForMail(victim.email, '2fa.reset');
  expect(told.text).toMatch(new RegExp(`^By: ${admin.name} \\(${admin.email.replace(/\./g, '\\.')}\\), an administrator$`, 'm'));

  await victimPage.goto('/');
  await expect(victimPage).toHaveURL(/\/login/);
  await new LoginPage(victimPage).submitPassword(victim.email, victim.password);
  await expect(victimPage).toHaveURL(/\/login\/setup-2fa$/);
  await victimContext.close();

  await page.goto('/admin/audit');
  await expect(page.getByRole('row', { name: /reset 2FA for Victor Lostphone/ })).toContainText('lost phone');
  await expectAccessible(page);

  // The notice names its user by id within the admin's organization: text from the URL, or another organization's user, shows nothing.
  const stranger = await (await TestOrg.create('optional')).user({ name: 'Stan Stranger' });
  for (const forged of [`notice=reset&email=${encodeURIComponent('evil@example.com')}`, `notice=reset&user=${stranger.id}`, `notice=not-required&user=${stranger.id}`]) {
    await page.goto(`/admin/users?${forged}`);
    await expect(page.getByRole('row', { name: /Victor Lostphone/ })).toBeVisible();
    await expect(page.getByText(/was reset|no longer required/)).toHaveCount(0);
  }
});

test('requiring 2FA for a user and the organization policy sign out those who must now set it up', async ({ page, browser }) => {
  const org = await TestOrg.create('optional');
  const admin = await org.userWith2fa({ role: 'admin' });
  const member = await org.user({ name: 'Mia Member' });
  const memberContext = await browser.newContext();
  await signInDirectly(memberContext, member.id, 'password');
  expect(await liveSessions(member.id)).toBe(1);

  await signInDirectly(page.context(), admin.id, 'password');
  await page.goto('/admin/users');
  await page.getByRole('button', { name: 'Require 2FA for Mia Member' }).click();
  await expect(page.getByText('2FA is now required for Mia Member')).toBeVisible();
  expect(await liveSessions(member.id)).toBe(0);

  await signInDirectly(memberContext, member.id, 'password');
  const other = await org.user();
  await signInDirectly(memberContext, other.id, 'password');
  await page.goto('/admin/settings');
  await expectAccessible(page);
  await page.getByLabel('Required').check();
  await page.getByRole('button', { name: 'Save policy' }).click();
  await expect(page.getByText(/Saved\./)).toBeVisible();
  expect(await liveSessions(other.id)).toBe(0);
  expect(await liveSessions(admin.id), 'the admin has 2FA: not signed out').toBe(1);
  await memberContext.close();
});

test('authorization: members, other organizations, pending challenges and visitors get nothing', { tag: '@once' }, async ({ page, browser, org }) => {
  const admin = await org.user({ role: 'admin' });
  const victim = await org.userWith2fa();
  const member = await org.user();
  const otherOrg = await TestOrg.create('optional');
  const foreignAdmin = await otherOrg.user({ role: 'admin' });
  const pending = await org.userWith2fa({ role: 'admin' });

  // Capture a real reset form as the rightful admin sees it.
  await signInDirectly(page.context(), admin.id, 'password');
  const html = await (await page.context().request.get(`/admin/users/${victim.id}/reset`)).text();
  const fields = actionFields(html, 'userId');
  const usersHtml = await (await page.context().request.get('/admin/users')).text();
  const requireFields = actionFields(usersHtml, 'require-2fa');
  const policyFields = actionFields(await (await page.context().request.get('/admin/settings')).text(), 'policy');
  const policyBefore = await organizationPolicy(org.id);

  const callers: [string, (c: import('@playwright/test').BrowserContext) => Promise<void>][] = [
    ['anonymous', async () => {}],
    ['member', (c) => signInDirectly(c, member.id, 'password')],
    ['other-organization admin', (c) => signInDirectly(c, foreignAdmin.id, 'password')],
    // The password step posted as a browser without JavaScript would (the sign-in UI is not what this
    // test is about): the context then holds the challenge cookie it set.
    ['pending verify challenge', async (c) => {
      const fields = actionFields(await (await c.request.get('/login')).text(), 'email');
      const step = await c.request.post('/login', { multipart: { ...fields, email: pending.email, password: pending.password }, headers: { Origin: baseURL }, maxRedirects: 0 });
      expect(step.headers()['location'] ?? '').toContain('/login/verify');
    }],
  ];
  for (const [who, signIn] of callers) {
    const context = await browser.newContext();
    await signIn(context);
    const paths = who === 'other-organization admin' ? [`/admin/users/${victim.id}/reset`] : ['/admin/users', '/admin/settings', '/admin/audit', `/admin/users/${victim.id}/reset`];
    for (const path of paths) {
      const response = await context.request.get(path, { maxRedirects: 0 });
      expect([303, 307, 404], `${who} GET ${path}`).toContain(response.status());
    }
    const replays = [
      [`/admin/users/${victim.id}/reset`, { ...fields, userId: String(victim.id), reason: 'attack' }],
      ['/admin/users', { ...requireFields, userId: String(victim.id) }],
      ['/admin/settings', { ...policyFields, policy: 'required' }],
    ] as const;
    for (const [path, multipart] of replays) {
      const replay = await context.request.post(path, { multipart, headers: { Origin: baseURL }, maxRedirects: 0 });
      expect(replay.status(), `${who} replay to ${path}`).toBeLessThan(500);
    }
    expect((await userRow(victim.id)).totpSecret, `${who} changed nothing`).not.toBeNull();
    expect((await userRow(victim.id)).twoFactorRequired, `${who} changed nothing`).toBe(false);
    expect(await organizationPolicy(org.id), `${who} changed nothing`).toBe(policyBefore);
    await context.close();
  }

  // The foreign admin replaying with the id of a user of their own org's neighbour changes nothing either.
  const foreign = await browser.newContext();
  await signInDirectly(foreign, foreignAdmin.id, 'password');
  const foreignHtml = await (await foreign.request.get('/admin/users')).text();
  expect(foreignHtml).not.toContain(victim.email);
  await foreign.close();
  expect(await auditActions(victim.id)).not.toContain('2fa.reset');
});

// Links: the same request with JavaScript or without (@once); the first test submits the table's GET form without JavaScript.
test('paging and sorting live in the URL; the back button returns to the previous page', { tag: '@once' }, async ({ page, org }) => {
  const admin = await org.user({ role: 'admin', name: 'Aaron Admin' });
  await bulkUsers(org, 40);
  await signInDirectly(page.context(), admin.id, 'password');
  await page.goto('/admin/users');
  const names = () => page.getByRole('rowheader').allInnerTexts();
  const first = await names();
  expect(first).toHaveLength(25);
  expect(first[0]).toBe('Aaron Admin');
  await page.getByRole('link', { name: 'Next page' }).click();
  await expect(page).toHaveURL(/after=/);
  await expect(page.getByRole('rowheader')).toHaveCount(16);
  const second = await names();
  expect(second).toHaveLength(16);
  expect(second.filter((n) => first.includes(n))).toEqual([]);
  await expect(page.getByRole('link', { name: 'Next page' })).toHaveCount(0);
  await page.goBack();
  await expect(page).not.toHaveURL(/after=/);
  await expect(page.getByRole('rowheader')).toHaveText(first);
  await page.goto('/admin/users?sort=name&dir=desc');
  await expect(page.getByRole('rowheader').first()).toHaveText(/^Zoe /);
  await page.getByRole('link', { name: 'Last page' }).click();
  await expect(page).toHaveURL(/page=last/);
  await expect(page.getByRole('rowheader').last()).toHaveText('Aaron Admin');
  await expectAccessible(page);
});
