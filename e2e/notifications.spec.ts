import { and, eq } from 'drizzle-orm';
import { db } from '@/db';
import { mailOutbox } from '@/db/schema';
import { expect, test, totp } from './fixtures';
import { TwoFactorPage } from './pages/two-factor-page';
import { VerifyPage } from './pages/verify-page';
import { mailsTo, refuseNextMails, waitForMail, type ReceivedMail } from './support/mailbox';
import { addKeyOnTab } from './support/keys';
import { VirtualAuthenticator } from './support/virtual-authenticator';
import { rememberSecret } from './support/secrets-log';
import { submit } from './support/submit';

// Security notifications, as the user receives them from the run's SMTP server: one mail for each
// change, with its facts. The pages themselves are walked by profile-2fa, admin and security-keys
// specs: these flows run once (@once), and check the mails.

/** "When" is the time of the change, to the minute, in UTC. */
function expectWhen(mail: ReceivedMail, before: number) {
  const when = /^When: (\d{4}-\d\d-\d\d \d\d:\d\d) UTC$/m.exec(mail.text)?.[1];
  expect(when, 'a When line in UTC').toBeTruthy();
  const at = Date.parse(`${when!.replace(' ', 'T')}:00Z`);
  expect(at).toBeGreaterThanOrEqual(Math.floor(before / 60_000) * 60_000);
  expect(at).toBeLessThanOrEqual(Date.now());
}

/** The address the browser came from: loopback here (through the balancer on PostgreSQL, its last hop). */
const fromLoopback = /^From address: (127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/m;

const kinds = async (address: string) => (await mailsTo(address)).map((m) => m.kind);

test('2FA on, new recovery codes, a recovery code used (3 left: a warning), 2FA off, password changed: one mail each, with when and where', { tag: '@once' }, async ({ page, org, loginPage }) => {
  const before = Date.now();
  const user = await org.user();
  await loginPage.signIn(user);
  const tab = new TwoFactorPage(page);
  await tab.goto();
  const secret = await tab.startEnrollment(user.password);
  await tab.submitCode(totp(secret));
  await tab.recoveryCodes();
  await tab.finish();
  const enabled = await waitForMail(user.email, '2fa.enabled');
  expect(enabled.subject).toBe('Deskgate: Two-factor authentication turned on');
  expect(enabled.text).toMatch(fromLoopback);
  expect(enabled.text).toContain('If this wasn’t you');
  expectWhen(enabled, before);
  expect(enabled.text).not.toContain(secret);

  await tab.stepUp('Regenerate recovery codes', { password: user.password });
  const codes = await tab.recoveryCodes();
  rememberSecret(...codes);
  await tab.finish();
  const regenerated = await waitForMail(user.email, '2fa.recovery_codes_regenerated');
  for (const code of codes) expect(regenerated.text + regenerated.html).not.toContain(code);

  // Six codes used elsewhere: the seventh leaves 3.
  await page.context().clearCookies();
  const { recoveryCodes, users } = await import('@/db/schema');
  const { writeTransaction } = await import('@/db');
  const { inArray, sql } = await import('drizzle-orm');
  const { codeDigest } = await import('@/lib/auth/crypto');
  const { normalizeRecoveryCode } = await import('@/lib/auth/recovery-codes');
  await writeTransaction(async (tx) => {
    await tx.update(recoveryCodes).set({ usedAt: Date.now() }).where(inArray(recoveryCodes.codeHash, codes.slice(0, 6).map((c) => codeDigest(normalizeRecoveryCode(c)!))));
    await tx.update(users).set({ recoveryCodesLeft: sql`${users.recoveryCodesLeft} - 6` }).where(eq(users.id, user.id));
  });
  await loginPage.goto();
  await loginPage.submitPassword(user.email, user.password);
  await new VerifyPage(page).submitRecoveryCode(codes[9]!);
  await expect(page).toHaveURL(/\/profile\/2fa/);
  const used = await waitForMail(user.email, 'recovery_code_used');
  expect(used.subject).toBe('Deskgate: A recovery code was used (3 left)');
  expect(used.text).toMatch(/^Recovery codes left: 3$/m);
  expect(used.text).toContain('Only 3 recovery codes are left. Make new ones soon');
  expect(used.text).toMatch(fromLoopback);
  expect(used.text).not.toContain(codes[9]!);

  await tab.goto();
  await tab.stepUp('Disable 2FA', { password: user.password });
  await expect(page.getByText('Two-factor authentication is off.').first()).toBeVisible();
  await waitForMail(user.email, '2fa.disabled');

  await page.goto('/profile/password');
  await page.getByLabel('Current password').fill(user.password);
  await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
  await page.getByLabel('Repeat the new password').fill('a brand new passphrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('Your password was changed')).toBeVisible();
  const changed = await waitForMail(user.email, 'password.changed');
  expect(changed.text).toMatch(fromLoopback);
  expect(changed.text).not.toContain('a brand new passphrase');

  // Each exactly once (a late duplicate would show up by now: the sender polls every 100 ms).
  await new Promise((r) => setTimeout(r, 500));
  expect(await kinds(user.email)).toEqual(['2fa.enabled', '2fa.recovery_codes_regenerated', 'recovery_code_used', '2fa.disabled', 'password.changed']);
});

test('a mail server that is down delays the mail, never the page: refused once, the mail arrives after the retry', { tag: '@once' }, async ({ page, org, loginPage }) => {
  const user = await org.userWith2fa();
  // The fixture turned 2FA on, which mails too: that one first, then the mail server goes down.
  await waitForMail(user.email, '2fa.enabled');
  await refuseNextMails(1, user.email);
  await loginPage.signInWithCode(user);
  const tab = new TwoFactorPage(page);
  await tab.goto();
  const started = Date.now();
  await tab.stepUp('Regenerate recovery codes', { password: user.password });
  rememberSecret(...(await tab.recoveryCodes()));
  const answeredIn = Date.now() - started;
  const mail = await waitForMail(user.email, '2fa.recovery_codes_regenerated');
  // Refused (451) on the first attempt, sent on the second after DESKGATE_MAIL_RETRY_MS (1 s in the run).
  const [row] = await (await db()).select({ attempts: mailOutbox.attempts, sentAt: mailOutbox.sentAt, lastError: mailOutbox.lastError }).from(mailOutbox).where(and(eq(mailOutbox.toAddress, user.email), eq(mailOutbox.kind, '2fa.recovery_codes_regenerated')));
  expect(row).toMatchObject({ attempts: 2, lastError: null });
  expect(row!.sentAt).not.toBeNull();
  expect(mail.receivedAt - started).toBeGreaterThan(900);
  console.log(`notifications: the page answered in ${answeredIn} ms; the mail arrived ${mail.receivedAt - started} ms after the submit`);
  expect(await kinds(user.email)).toEqual(['2fa.enabled', '2fa.recovery_codes_regenerated']);
});

test('a security key: the first one turns 2FA on, its removal turns it off, one mail each naming the key', { tag: '@once' }, async ({ page, org, loginPage }) => {
  test.skip(test.info().project.use.javaScriptEnabled === false, 'security keys need JavaScript');
  const user = await org.user();
  await VirtualAuthenticator.attach(page, 'usb');
  await loginPage.signIn(user);
  const tab = new TwoFactorPage(page);
  await tab.goto();
  await addKeyOnTab(page, 'Desk key', user.password);
  await tab.recoveryCodes().then((codes) => rememberSecret(...codes));
  const added = await waitForMail(user.email, 'webauthn.key_added');
  expect(added.subject).toBe('Deskgate: Two-factor authentication turned on with a security key');
  expect(added.text).toMatch(/^Security key: Desk key$/m);
  expect(added.text).toMatch(fromLoopback);
  await tab.finish();

  // Just added: the session's second factor is fresh, so the password alone confirms.
  await page.getByRole('link', { name: 'Remove Desk key' }).click();
  await expect(page.getByRole('heading', { name: 'Remove “Desk key”' })).toBeVisible();
  await page.getByLabel('Your password').fill(user.password);
  await expect(page.getByLabel('Your password')).toHaveValue(user.password);
  await submit(page, page.getByRole('button', { name: 'Remove key' }));
  await expect(page.getByText('Two-factor authentication is off.')).toBeVisible();
  const removed = await waitForMail(user.email, 'webauthn.key_removed');
  expect(removed.subject).toBe('Deskgate: Two-factor authentication turned off');
  await new Promise((r) => setTimeout(r, 500));
  expect(await kinds(user.email)).toEqual(['webauthn.key_added', 'webauthn.key_removed']);
});
