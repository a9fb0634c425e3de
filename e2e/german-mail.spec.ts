import { expect, test } from './fixtures';
import { userRow } from './support/db';
import { baseURL } from './support/env';
import { linksIn, waitForMail } from './support/mailbox';
import { rememberSecret } from './support/secrets-log';
import { submit } from './support/submit';

// Mails in German (#18): a user who has chosen no language asks for a password link from a German
// browser, and the mail that reaches the SMTP server is German, subject, text and HTML; its link
// works, and the notice of the reset that follows is German too. The forms are found by their
// fields' names, not their labels: the pages' own German is another spec's (e2e/german.spec.ts).
test.use({ locale: 'de-DE', extraHTTPHeaders: { 'Accept-Language': 'de-DE,de;q=0.9,en;q=0.5' } });

test('a forgotten password from a German browser: the link mail is German, its link works, the notice after it too', async ({ page, org }) => {
  const user = await org.user();
  expect((await userRow(user.id)).locale, 'no language chosen').toBeNull();

  await page.goto('/login/forgot-password');
  await page.locator('main form input[name="email"]').fill(user.email);
  await submit(page, page.locator('main form button[type="submit"]'));

  const mail = await waitForMail(user.email, 'password_reset');
  expect(mail.subject).toBe('Deskgate: Passwort zurücksetzen');
  expect(mail.text).toMatch(new RegExp(`^Guten Tag ${user.name},\n`));
  expect(mail.text).toMatch(/^Zeitpunkt: \d\d\.\d\d\.\d{4}, \d\d:\d\d UTC$/m);
  expect(mail.text).toMatch(/^Neues Passwort wählen:$/m);
  expect(mail.text).toContain('Der Link funktioniert einmal, 30 Minuten lang.');
  expect(mail.text).not.toMatch(/Hello|Choose a new password|When:/);
  expect(mail.html).toContain('<html lang="de">');
  expect(mail.html).toContain('>Neues Passwort wählen</a>');
  expect(mail.html).toContain('Oder kopieren Sie diese Adresse in Ihren Browser:');

  const link = linksIn(mail).find((l) => l.startsWith(`${baseURL}/login/reset-password?token=`));
  expect(link, 'the mail holds the reset link').toBeTruthy();
  rememberSecret(new URL(link!).searchParams.get('token')!);
  await page.goto(link!);
  await expect(page).toHaveURL(`${baseURL}/login/reset-password`);
  const newPassword = `neu-${user.password}`;
  rememberSecret(newPassword);
  await page.locator('main form input[name="newPassword"]').fill(newPassword);
  await page.locator('main form input[name="confirmPassword"]').fill(newPassword);
  await submit(page, page.locator('main form button[type="submit"]'));
  await expect(page).toHaveURL(/\/login\?notice=password-reset$/);

  // The reset itself, made by the same German browser: its notice is German, naming the sign-in page's link as it reads there.
  const notice = await waitForMail(user.email, 'password.reset');
  expect(notice.subject).toBe('Deskgate: Ihr Passwort wurde zurückgesetzt');
  expect(notice.text).toContain('„Passwort vergessen?“');
  expect(notice.html).toContain('<html lang="de">');
  expect((await userRow(user.id)).locale, 'the browser chose the mail, not the account').toBeNull();
});
