import path from 'node:path';
import type { Page } from '@playwright/test';
import { LoginPage } from '../pages/login-page';
import { expect, TestOrg, test, totp } from '../fixtures';
import { bulkUsers } from '../support/accounts';
import { eq } from 'drizzle-orm';
import { writeTransaction } from '@/db';
import { sessions } from '@/db/schema';
import { tokenDigest } from '@/lib/auth/tokens';
import { newSessionCookie, signInDirectly } from '../support/sessions';

const dir = path.join(process.cwd(), 'docs', 'screenshots');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });

test('every screen', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const org = await TestOrg.create('optional');
  const admin = await org.userWith2fa({ role: 'admin', name: 'Ada Admin' });
  await bulkUsers(org, 30);
  await org.user({ method: 'sso', name: 'Sam SSO' });

  await page.goto('/login');
  await shot(page, 'sign-in');
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.locator('p[role=alert]')).toBeVisible();
  await shot(page, 'sign-in-error');
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/verify/);
  await shot(page, 'verify');
  await page.getByLabel('Authentication code').fill(totp(admin.secret));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/$/);
  await shot(page, 'home');
  await page.goto('/profile/2fa');
  await shot(page, '2fa-tab-enabled');
  await page.goto('/profile/2fa?action=regenerate');
  await shot(page, '2fa-step-up');
  await page.goto('/profile/password');
  await shot(page, 'password-tab');
  // The Devices tab: this browser and two others, as their sign-ins recorded them.
  for (const [userAgent, clientAddress, secondFactor] of [
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0', '203.0.113.24', 'recovery_code'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1', '198.51.100.7', 'webauthn'],
  ] as const) {
    const { sessionId } = await newSessionCookie(admin.id, 'password');
    await writeTransaction((tx) => tx.update(sessions).set({ userAgent, clientAddress, secondFactor, lastSeenAt: Date.now() - 20 * 60_000 }).where(eq(sessions.id, tokenDigest(sessionId))));
  }
  await page.goto('/profile/sessions');
  await shot(page, 'devices-tab');
  await page.goto('/admin/users');
  await shot(page, 'admin-users');
  await page.goto('/admin/settings');
  await shot(page, 'admin-settings');
  await page.goto('/admin/audit');
  // One event's raw detail open, as the curious see it.
  await page.locator('main details summary').first().click();
  await shot(page, 'admin-audit');

  // Forced setup, its steps and the recovery codes, on a phone-sized screen in dark mode too.
  const required = await TestOrg.create('required');
  const newcomer = await required.user({ name: 'Nina Newcomer' });
  // The phone-sized one first: the desktop one completes the setup.
  for (const [name, options] of [['-phone-dark', { viewport: { width: 375, height: 800 }, colorScheme: 'dark' as const }], ['', { viewport: { width: 1100, height: 800 } }]] as const) {
    const context = await browser.newContext(options);
    const p = await context.newPage();
    const login = new LoginPage(p);
    await login.goto();
    await login.submitPassword(newcomer.email, newcomer.password);
    await expect(p).toHaveURL(/setup-2fa/);
    await shot(p, `setup-scan${name}`);
    if (name === '') {
      const key = (await p.getByTestId('setup-key').innerText()).replace(/\s+/g, '');
      await p.getByLabel('Authentication code').fill(totp(key));
      await p.getByRole('button', { name: 'Verify and turn on' }).click();
      await expect(p.getByTestId('recovery-codes')).toBeVisible();
      await shot(p, 'setup-recovery-codes');
    }
    await context.close();
  }

  // The 2FA tab when it is off, and for an SSO user.
  const member = await org.user({ name: 'Max Member' });
  const fresh = await browser.newContext();
  await signInDirectly(fresh, member.id, 'password');
  const mp = await fresh.newPage();
  await mp.goto('/profile/2fa');
  await shot(mp, '2fa-tab-off');
  await fresh.close();

  // A setup started in one browser, as another browser of the same person sees it: none of the key.
  const second = await browser.newContext();
  await signInDirectly(second, member.id, 'password');
  const sp = await second.newPage();
  const starter = await browser.newContext();
  await signInDirectly(starter, member.id, 'password');
  const starterPage = await starter.newPage();
  await starterPage.goto('/profile/2fa');
  await starterPage.getByLabel('Password').fill(member.password);
  await starterPage.getByRole('button', { name: 'Enable 2FA' }).click();
  await expect(starterPage.getByTestId('setup-key')).toBeVisible();
  await sp.goto('/profile/2fa');
  await expect(sp.getByRole('status')).toBeVisible();
  await shot(sp, '2fa-setup-elsewhere');
  await Promise.all([second.close(), starter.close()]);

  // An admin resets a user's 2FA: the confirmation asks for the admin's own password (and a code once stale).
  const lost = await org.userWith2fa({ name: 'Lena Lost-Phone' });
  await page.goto(`/admin/users/${lost.id}/reset`);
  await expect(page.getByLabel('Password')).toBeVisible();
  await shot(page, 'admin-reset-step-up');
});
