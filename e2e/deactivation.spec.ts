import { spawnSync } from 'node:child_process';
import { request as playwrightRequest, type Page } from '@playwright/test';
import { expect, expectAccessible, TestOrg, test } from './fixtures';
import { auditActions, liveSessions, userRow } from './support/db';
import { baseURL, databaseUrl } from './support/env';
import { newSessionCookie, signInDirectly } from './support/sessions';
import { submit } from './support/submit';

// Deactivation: the admin steps up (a dialog with JavaScript, a confirmation page without); the
// user's sessions end at once, and every sign-in refuses them as a wrong password would.

const withJs = () => test.info().project.use.javaScriptEnabled !== false;
test.describe.configure({ timeout: 120_000 });

/** A request context holding only this session cookie: whoever copied it. */
function holding(cookie: { name: string; value: string }) {
  const cookies = [{ ...cookie, domain: new URL(baseURL).hostname, path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' as const }];
  return playwrightRequest.newContext({ baseURL, storageState: { cookies, origins: [] } });
}

/** `npm run cli -- ARGS` on the run's database. */
function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'lib/cli/main.ts', ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl, NODE_OPTIONS: '', DESKGATE_LOG: 'off' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function openChange(page: Page, link: string, title: string) {
  await page.goto('/admin/users');
  await page.getByRole('link', { name: link }).click();
  const confirm = withJs() ? page.getByRole('dialog', { name: title }) : page.locator('main');
  await expect(confirm.getByRole('heading', { name: title })).toBeVisible();
  return confirm;
}

/** The sign-in page's answer to this email and password, in a browser of its own. */
async function signInAnswer(page: Page, email: string, password: string) {
  const context = await page.context().browser()!.newContext({ baseURL, javaScriptEnabled: withJs() });
  const other = await context.newPage();
  await other.goto('/login');
  await other.getByLabel('Email').fill(email);
  await other.getByLabel('Password').fill(password);
  await submit(other, other.getByRole('button', { name: 'Sign in', exact: true }));
  await other.waitForLoadState();
  const answer = new URL(other.url()).pathname === '/login' ? await other.locator('p[role=alert]').filter({ hasText: /\S/ }).first().textContent() : `signed in at ${new URL(other.url()).pathname}`;
  await context.close();
  return answer;
}

test('an admin deactivates a member from the table: a copied session dies, the password is refused as a wrong one, and reactivating lets them back', async ({ page }) => {
  const org = await TestOrg.create('optional');
  const admin = await org.user({ role: 'admin' });
  const member = await org.user({ name: 'Dana Leaver' });
  const copied = await holding(await newSessionCookie(member.id, 'password'));
  expect((await copied.get('/', { maxRedirects: 0 })).status(), 'the copied cookie works while the user is active').toBe(200);
  await signInDirectly(page.context(), admin.id, 'password');

  const confirm = await openChange(page, 'Deactivate Dana Leaver', 'Deactivate Dana Leaver?');
  if (!withJs()) await expect(page).toHaveURL(/\/deactivate$/);
  await expectAccessible(page);
  await confirm.getByLabel('Your password').fill('not-the-password-1');
  await submit(page, confirm.getByRole('button', { name: 'Deactivate' }));
  await expect(confirm.getByText("That password isn't right.").first()).toBeVisible();
  expect((await userRow(member.id)).deactivatedAt, 'nothing changed').toBeNull();
  await confirm.getByLabel('Your password').fill(admin.password);
  await submit(page, confirm.getByRole('button', { name: 'Deactivate' }));
  await expect(page.getByText('Dana Leaver was deactivated and signed out everywhere.')).toBeVisible();
  const row = page.getByRole('row', { name: /Dana Leaver/ });
  await expect(row.getByText('Deactivated', { exact: true })).toBeVisible();
  await expect(row.getByRole('link', { name: 'Deactivate Dana Leaver' }), 'no reset or deactivate for a deactivated user').toHaveCount(0);
  await expectAccessible(page);

  const after = await copied.get('/', { maxRedirects: 0 });
  expect(after.status(), 'the copied cookie opens nothing on its next request').toBe(307);
  expect(after.headers().location).toMatch(/\/login/);
  expect(await liveSessions(member.id)).toBe(0);
  await copied.dispose();

  const wrong = await signInAnswer(page, member.email, 'not-the-password-1');
  expect(await signInAnswer(page, member.email, member.password), 'the right password answers as a wrong one').toBe(wrong);

  await page.goto('/admin/users?status=deactivated');
  await expect(page.getByRole('row', { name: /Dana Leaver/ }), 'the status filter finds them').toBeVisible();
  const reactivate = await openChange(page, 'Reactivate Dana Leaver', 'Reactivate Dana Leaver?');
  await expectAccessible(page);
  await reactivate.getByLabel('Your password').fill(admin.password);
  await submit(page, reactivate.getByRole('button', { name: 'Reactivate' }));
  await expect(page.getByText('Dana Leaver was reactivated and can sign in again.')).toBeVisible();
  expect(await signInAnswer(page, member.email, member.password)).toBe('signed in at /');
  expect(await auditActions(member.id)).toEqual(expect.arrayContaining(['user.deactivated', 'user.reactivated']));
});

test('an admin cannot deactivate themselves: no link in their row, a sentence on the page', async ({ page }) => {
  const org = await TestOrg.create('optional');
  const admin = await org.user({ role: 'admin', name: 'Ada Self' });
  await signInDirectly(page.context(), admin.id, 'password');
  await page.goto('/admin/users');
  await expect(page.getByRole('link', { name: 'Deactivate Ada Self' })).toHaveCount(0);
  await page.goto(`/admin/users/${admin.id}/deactivate`);
  await expect(page.getByText('You cannot deactivate your own account. Ask another administrator.')).toBeVisible();
  await expectAccessible(page);
});

test('an SSO user is deactivated too; the CLI deactivates and reactivates, audited as the operator', { tag: '@once' }, async () => {
  const org = await TestOrg.create('optional');
  const member = await org.user({ method: 'sso' });
  const copied = await holding(await newSessionCookie(member.id, 'sso'));
  expect((await copied.get('/', { maxRedirects: 0 })).status()).toBe(200);
  const deactivated = cli('user:deactivate', '--email', member.email);
  expect(deactivated.status, deactivated.stderr).toBe(0);
  expect((await copied.get('/', { maxRedirects: 0 })).status(), 'the copied cookie died').toBe(307);
  await copied.dispose();
  expect(cli('user:reactivate', '--email', member.email).status).toBe(0);
  expect((await userRow(member.id)).deactivatedAt).toBeNull();
  expect(await auditActions(member.id)).toEqual(expect.arrayContaining(['user.deactivated', 'user.reactivated']));
});
