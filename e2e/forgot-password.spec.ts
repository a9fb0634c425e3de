import { and, eq } from 'drizzle-orm';
import type { Page } from '@playwright/test';
import { db } from '@/db';
import { mailOutbox } from '@/db/schema';
import { expect, expectAccessible, test, totp } from './fixtures';
import { VerifyPage } from './pages/verify-page';
import { expireResetLinks, liveSessions } from './support/db';
import { baseURL } from './support/env';
import { linksIn, mailsTo, waitForMail } from './support/mailbox';
import { rememberSecret } from './support/secrets-log';
import { newSessionCookie } from './support/sessions';
import { submit } from './support/submit';

// The forgotten-password flow (#16), with JavaScript on and off: one answer for every address, a
// single-use link whose token leaves the URL at once, every session ended, the second factor kept.

const ANSWER = 'If an account with that address can sign in with a password, we have sent a link to it.';
const EXPIRED = 'This link has expired or was already used.';

/** Asks for a link on the forgot-password page; returns the answer's status and the page's text. */
async function requestLink(page: Page, email: string, { check = false } = {}) {
  await page.goto('/login/forgot-password');
  await expect(page.getByRole('heading', { name: 'Forgot your password?' })).toBeVisible();
  if (check) await expectAccessible(page);
  // The live region that announces the answer is there before it, empty.
  await expect(page.locator('main [aria-live="polite"]').first()).toBeEmpty();
  await page.getByLabel('Email').fill(email);
  const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Send a link' }).click()]);
  const answer = page.getByRole('status').filter({ hasText: ANSWER });
  await expect(answer).toBeVisible();
  await expect(page.locator('main [aria-live="polite"]').first()).toContainText(ANSWER);
  // With JavaScript the answer replaces the form and its focused button: focus moves to it.
  if (test.info().project.use.javaScriptEnabled !== false) await expect(answer).toBeFocused();
  return { status: response.status(), text: await page.locator('main').innerText() };
}

async function linkFromMail(email: string, count = 1): Promise<string> {
  const mail = await waitForMail(email, 'password_reset', { count });
  const link = linksIn(mail).find((l) => l.includes('/login/reset-password?token='));
  expect(link, 'the mail holds the reset link').toBeTruthy();
  expect(link!.startsWith(`${baseURL}/login/reset-password?token=`), 'built from AUTH_URL').toBe(true);
  rememberSecret(new URL(link!).searchParams.get('token')!);
  return link!;
}

test('a known, an unknown and an SSO address get the same page and status; only the known one is mailed', async ({ page, org }) => {
  const known = await org.user();
  const sso = await org.user({ method: 'sso' });
  const unknown = `nobody-${Date.now()}@${org.slug}.example`;

  await page.goto('/login');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page).toHaveURL(/\/login\/forgot-password$/);

  const answers = [await requestLink(page, unknown, { check: true }), await requestLink(page, sso.email), await requestLink(page, known.email)];
  await expectAccessible(page);
  expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
  expect(answers[1]!.text).toBe(answers[0]!.text);
  expect(answers[2]!.text).toBe(answers[0]!.text);

  // The known address's mail arrives; by then the requests before it were handled (none queued anything).
  await linkFromMail(known.email);
  expect(await mailsTo(unknown)).toEqual([]);
  expect(await mailsTo(sso.email)).toEqual([]);
  expect(await (await db()).select({ id: mailOutbox.id }).from(mailOutbox).where(and(eq(mailOutbox.userId, sso.id), eq(mailOutbox.kind, 'password_reset')))).toEqual([]);

  // Bad input: a clear message, nothing sent.
  await page.goto('/login/forgot-password');
  await page.getByLabel('Email').fill('not an address');
  await submit(page, page.getByRole('button', { name: 'Send a link' }));
  await expect(page.getByText('Enter a valid email address.').first()).toBeVisible();
});

test('the mailed link: its token leaves the URL, it sets the password once, every session ends, the next sign-in still asks for the second factor', async ({ page, org, loginPage, request }) => {
  const user = await org.userWith2fa();
  const old = await newSessionCookie(user.id, 'password', Date.now());
  const withOldCookie = () => request.get('/profile/password', { headers: { cookie: `${old.name}=${old.value}` }, maxRedirects: 0 });
  expect((await withOldCookie()).status()).toBe(200);

  await requestLink(page, user.email);
  const link = await linkFromMail(user.email);
  await page.goto(link);
  expect(page.url(), 'the token is no longer in the address bar').toBe(`${baseURL}/login/reset-password`);
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  // Whose password this is, on the page and for password managers.
  await expect(page.locator('main')).toContainText(`Choose a new password for ${user.email}.`);
  await expect(page.locator('input[autocomplete="username"]')).toHaveValue(user.email);
  await expectAccessible(page);

  // Bad input changes nothing: the link still works afterwards.
  await page.getByLabel('New password', { exact: true }).fill('short');
  await page.getByLabel('Repeat the new password').fill('other');
  await submit(page, page.getByRole('button', { name: 'Set the new password' }));
  await expect(page.getByText('Use at least 8 characters.').first()).toBeVisible();

  const newPassword = `new-${user.password}`;
  rememberSecret(newPassword);
  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await page.getByLabel('Repeat the new password').fill(newPassword);
  await submit(page, page.getByRole('button', { name: 'Set the new password' }));
  await expect(page).toHaveURL(/\/login\?notice=password-reset$/);
  await expect(page.getByRole('status').filter({ hasText: 'Your password has been changed. Sign in.' })).toBeVisible();

  expect(await liveSessions(user.id)).toBe(0);
  const dead = await withOldCookie();
  expect(dead.status()).toBeGreaterThanOrEqual(300);
  expect(dead.headers()['location']).toMatch(/\/login/);
  const notice = await waitForMail(user.email, 'password.reset');
  expect(notice.subject).toBe('Deskgate: Your password was reset');
  expect(notice.text).toMatch(/^When: .* UTC$/m);

  // Used: the same link now says so, and offers a new one.
  await page.goto(link);
  await expect(page.getByText(EXPIRED)).toBeVisible();
  await expect(page.getByRole('link', { name: 'Send a new link' })).toHaveAttribute('href', '/login/forgot-password');
  await expectAccessible(page);

  // The old password is refused; the new one leads to the second step, as before the reset.
  await loginPage.goto();
  await loginPage.submitPassword(user.email, user.password);
  await expect(loginPage.error()).toBeVisible();
  await loginPage.submitPassword(user.email, newPassword);
  const verify = new VerifyPage(page);
  await verify.expectShown();
  await verify.submitCode(totp(user.secret));
  await expect(page).toHaveURL(/\/$/);
});

// A page with no form: the same with JavaScript or without (@once).
test('an expired link says so plainly and changes nothing', { tag: '@once' }, async ({ page, org, loginPage }) => {
  const user = await org.user();
  await requestLink(page, user.email);
  const link = await linkFromMail(user.email);
  await expireResetLinks(user.id);
  await page.goto(link);
  expect(page.url()).toBe(`${baseURL}/login/reset-password`);
  await expect(page.getByText(EXPIRED)).toBeVisible();
  await page.getByRole('link', { name: 'Send a new link' }).click();
  await expect(page.getByRole('heading', { name: 'Forgot your password?' })).toBeVisible();
  await loginPage.signIn(user);
});
