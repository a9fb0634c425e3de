import { randomBytes } from 'node:crypto';
import type { Browser, Page } from '@playwright/test';
import { eq } from 'drizzle-orm';
import { db, writeTransaction } from '@/db';
import { accountTokens, users } from '@/db/schema';
import { expect, expectAccessible, TestOrg, test, totp } from './fixtures';
import { auditActions, userRow } from './support/db';
import { baseURL } from './support/env';
import { linksIn, waitForMail } from './support/mailbox';
import { signInDirectly } from './support/sessions';
import { submit } from './support/submit';
import { LoginPage } from './pages/login-page';
import { TwoFactorPage } from './pages/two-factor-page';

// Invitations: an admin adds a user from the table (with a step-up); a password user is mailed a
// single-use link to choose a password, then signs in and meets the organization's 2FA policy.

const withJs = () => test.info().project.use.javaScriptEnabled !== false;
test.describe.configure({ timeout: 150_000 });
const ENDED = 'This invitation has expired or was already used. Ask your administrator for a new one.';

/** A browser of the invitee's own. */
async function inviteeBrowser(browser: Browser) {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: withJs() });
  return { context, page: await context.newPage() };
}

/** Adds a user from the table's "Add user" form, confirming with the admin's password. */
async function addUser(page: Page, user: { name: string; email: string }, adminPassword: string, options: { check?: boolean } = {}) {
  await page.goto('/admin/users');
  await page.getByRole('link', { name: 'Add user' }).click();
  await expect(page.getByRole('heading', { name: /^Add a user to/ })).toBeVisible();
  await page.getByLabel('Name').fill(user.name);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Your password').fill(adminPassword);
  if (options.check) await expectAccessible(page);
  await submit(page, page.getByRole('button', { name: 'Add user' }));
}

/** The invitation link of the newest invitation mail to `email`. */
async function invitationLink(email: string, count = 1) {
  const mail = await waitForMail(email, 'invitation', { count });
  const link = linksIn(mail).find((l) => l.includes('/invitation?token='));
  expect(link, 'the mail carries the invitation link').toBeTruthy();
  return { mail, link: link! };
}

const userIdOf = async (email: string) => (await (await db()).select({ id: users.id }).from(users).where(eq(users.email, email)))[0]!.id;
const fresh = (name: string) => ({ name, email: `${name.toLowerCase().replace(/\s+/g, '.')}.${randomBytes(3).toString('hex')}@invited.example` });

test('invited under a required policy: the mail’s link, a chosen password, the forced 2FA setup, the app', async ({ page, browser }) => {
  const org = await TestOrg.create('required');
  // Under a required policy the admin has 2FA (a session without it ends: see the grace period), and
  // verified it just now: the step-up asks for the password only.
  const admin = await org.userWith2fa({ role: 'admin', name: 'Ada Admin' });
  await signInDirectly(page.context(), admin.id, 'password', { secondFactor: true });
  const invitee = fresh('Ivy Invitee');

  await addUser(page, invitee, 'not-the-password-1', { check: true });
  await expect(page.getByText("That password isn't right.").first()).toBeVisible();
  await expect(page.getByLabel('Email'), 'the details are kept').toHaveValue(invitee.email);
  await page.getByLabel('Your password').fill(admin.password);
  await submit(page, page.getByRole('button', { name: 'Add user' }));
  await expect(page.getByText(`${invitee.name} was invited.`)).toBeVisible();
  const row = page.getByRole('row', { name: new RegExp(invitee.name) });
  await expect(row.getByText('Invited', { exact: true })).toBeVisible();
  await expect(row.getByRole('button', { name: `Resend invitation to ${invitee.name}` })).toBeVisible();
  await expect(row.getByRole('link', { name: `Reset 2FA of ${invitee.name}` }), 'no reset or deactivate for an invitee').toHaveCount(0);
  await expectAccessible(page);

  const { mail, link } = await invitationLink(invitee.email);
  expect(mail.text).toContain(`Ada Admin invited you to ${org.name}`);
  expect(new URL(link).origin, 'the link is built from AUTH_URL').toBe(new URL(baseURL).origin);
  const { context, page: invitePage } = await inviteeBrowser(browser);
  await invitePage.goto(link);
  await expect(invitePage.getByRole('heading', { name: `Welcome, ${invitee.name}` })).toBeVisible();
  await expect(invitePage, 'the token left the URL (and the history)').toHaveURL(/\/invitation$/);
  await expectAccessible(invitePage);
  await invitePage.getByLabel('New password', { exact: true }).fill('chosen-password-1');
  await invitePage.getByLabel('Repeat the new password').fill('another-password-1');
  await submit(invitePage, invitePage.getByRole('button', { name: 'Set password' }));
  await expect(invitePage.getByText('The two passwords do not match.').first()).toBeVisible();
  await expectAccessible(invitePage);
  await invitePage.getByLabel('New password', { exact: true }).fill('chosen-password-1');
  await invitePage.getByLabel('Repeat the new password').fill('chosen-password-1');
  await submit(invitePage, invitePage.getByRole('button', { name: 'Set password' }));
  await expect(invitePage).toHaveURL(/\/login\?notice=password-set$/);
  await expect(invitePage.getByText('Your password is set.')).toBeVisible();

  await new LoginPage(invitePage).submitPassword(invitee.email, 'chosen-password-1');
  await expect(invitePage, 'the required policy applies as at any first sign-in').toHaveURL(/\/login\/setup-2fa$/);
  const tab = new TwoFactorPage(invitePage);
  const secret = await tab.setupKey();
  await tab.submitCode(totp(secret));
  expect(await tab.recoveryCodes()).toHaveLength(10);
  await invitePage.getByLabel('I have saved these codes').check();
  await invitePage.getByRole('button', { name: 'Continue' }).click();
  await expect(invitePage).toHaveURL(/\/$/);

  await invitePage.goto(link);
  await expect(invitePage.getByText(ENDED), 'a used link says so plainly').toBeVisible();
  await expectAccessible(invitePage);
  await context.close();
  await page.goto('/admin/users');
  await expect(page.getByRole('row', { name: new RegExp(invitee.name) }).getByText('Active', { exact: true })).toBeVisible();
});

test('a resent invitation kills the old link; a revoked one removes the invitee', async ({ page, browser }) => {
  const org = await TestOrg.create('optional');
  const admin = await org.user({ role: 'admin' });
  await signInDirectly(page.context(), admin.id, 'password');
  const invitee = fresh('Rory Resent');
  await addUser(page, invitee, admin.password);
  await expect(page.getByText(`${invitee.name} was invited.`)).toBeVisible();
  const first = await invitationLink(invitee.email);

  await page.getByRole('button', { name: `Resend invitation to ${invitee.name}` }).click();
  await expect(page.getByText(`The invitation was sent to ${invitee.name} again.`)).toBeVisible();
  const second = await invitationLink(invitee.email, 2);
  expect(second.link).not.toBe(first.link);
  const { context, page: invitePage } = await inviteeBrowser(browser);
  await invitePage.goto(first.link);
  await expect(invitePage.getByText(ENDED), 'the old link died').toBeVisible();
  await invitePage.goto(second.link);
  await expect(invitePage.getByRole('heading', { name: `Welcome, ${invitee.name}` })).toBeVisible();

  await page.getByRole('link', { name: `Revoke invitation of ${invitee.name}` }).click();
  const confirm = withJs() ? page.getByRole('dialog', { name: `Revoke the invitation of ${invitee.name}?` }) : page.locator('main');
  await expect(confirm.getByRole('heading', { name: `Revoke the invitation of ${invitee.name}?` })).toBeVisible();
  await expectAccessible(page);
  await confirm.getByLabel('Your password').fill(admin.password);
  await submit(page, confirm.getByRole('button', { name: 'Revoke invitation' }));
  await expect(page.getByText('The invitation was revoked and the account removed.')).toBeVisible();
  await expect(page.getByRole('row', { name: new RegExp(invitee.name) })).toHaveCount(0);

  // The page still open in the invitee's browser: its submit finds the link gone.
  await invitePage.getByLabel('New password', { exact: true }).fill('chosen-password-1');
  await invitePage.getByLabel('Repeat the new password').fill('chosen-password-1');
  await submit(invitePage, invitePage.getByRole('button', { name: 'Set password' }));
  await expect(invitePage.getByText(ENDED).first()).toBeVisible();
  await context.close();
});

test('an expired link and a taken email say so plainly; an SSO user is added active without a mail', { tag: '@once' }, async ({ page, browser }) => {
  const org = await TestOrg.create('optional');
  const admin = await org.user({ role: 'admin' });
  const existing = await org.user();
  await signInDirectly(page.context(), admin.id, 'password');
  await addUser(page, { name: 'Someone Else', email: existing.email }, admin.password);
  await expect(page.getByText('A user with this email address already exists.').first()).toBeVisible();

  const invitee = fresh('Eve Expired');
  await addUser(page, invitee, admin.password);
  await expect(page.getByText(`${invitee.name} was invited.`)).toBeVisible();
  const { link } = await invitationLink(invitee.email);
  const expiring = await userIdOf(invitee.email);
  await writeTransaction((tx) => tx.update(accountTokens).set({ expiresAt: Date.now() - 1000 }).where(eq(accountTokens.userId, expiring)));
  const { context, page: invitePage } = await inviteeBrowser(browser);
  await invitePage.goto(link);
  await expect(invitePage.getByText(ENDED)).toBeVisible();
  await context.close();

  const sso = fresh('Sam Sso');
  await page.goto('/admin/users/new');
  await page.getByLabel('Name').fill(sso.name);
  await page.getByLabel('Email').fill(sso.email);
  await page.getByLabel(/^Single sign-on/).check();
  await page.getByLabel('Your password').fill(admin.password);
  await submit(page, page.getByRole('button', { name: 'Add user' }));
  await expect(page.getByText(`${sso.name} was added. They sign in through your identity provider.`)).toBeVisible();
  await expect(page.getByRole('row', { name: new RegExp(sso.name) }).getByText('Active', { exact: true })).toBeVisible();
  const added = await userIdOf(sso.email);
  expect(await auditActions(added)).toEqual(['user.invited']);
  expect((await userRow(added)).invitedAt).toBeNull();
});
