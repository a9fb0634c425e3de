import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { expect, expectAccessible, test, totp } from './fixtures';
import { auditActions, userRow } from './support/db';
import { linksIn, waitForMail } from './support/mailbox';
import { rememberSecret } from './support/secrets-log';
import { registerKey } from './support/security-keys';
import { signInDirectly, trustDirectly } from './support/sessions';
import { submit } from './support/submit';

// A browser that asks for German (#18), on the account pages: the 2FA tab (the app, the recovery
// codes and their file, security keys, the step-up's refusals), the Devices tab with its trusted
// browsers, the password tab, the home page, a page not found, the forgotten password and the
// invitation page. With JavaScript and without; the English specs of these pages stay as they are.
test.use({ locale: 'de-DE', extraHTTPHeaders: { 'Accept-Language': 'de-DE,de;q=0.9,en;q=0.5' } });

const withJs = () => test.info().project.use.javaScriptEnabled !== false;
// Tagged @once: without JavaScript these pages post the same forms the English no-JS pass walks; the
// words are the server's either way. The step-up test runs in both, for a German answer without JS.
const alert = (page: Page) => page.locator('p[role=alert]').filter({ hasText: /\S/ });

test('2FA tab in German: the app set up, the QR code’s text, the recovery codes and their file', { tag: '@once' }, async ({ page, org }) => {
  const user = await org.user();
  await signInDirectly(page.context(), user.id, 'password');
  await page.goto('/profile/2fa');
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page).toHaveTitle(/^Zwei-Faktor-Authentifizierung · /);
  await expect(page.getByRole('heading', { name: 'Die Zwei-Faktor-Authentifizierung ist deaktiviert' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Sicherheitsschlüssel und Passkeys' })).toBeVisible();
  if (withJs()) await expect(page.getByRole('link', { name: 'Sicherheitsschlüssel oder Passkey hinzufügen' })).toBeVisible();
  else await expect(page.getByText('Sicherheitsschlüssel und Passkeys benötigen JavaScript. Aktivieren Sie es in Ihrem Browser, um sie hier zu verwenden.')).toBeVisible();
  await expectAccessible(page);

  // A wrong password: the action's answer in German, by the field too; nothing started.
  await page.getByLabel('Passwort', { exact: true }).fill('not-my-password');
  await submit(page, page.getByRole('button', { name: '2FA aktivieren' }));
  await expect(alert(page).first()).toHaveText('Dieses Passwort ist nicht richtig.');
  await expect(page.getByTestId('setup-key')).toHaveCount(0);
  await expectAccessible(page);

  await page.getByLabel('Passwort', { exact: true }).fill(user.password);
  await submit(page, page.getByRole('button', { name: '2FA aktivieren' }));
  await expect(page.getByRole('heading', { name: 'Zwei-Faktor-Authentifizierung einrichten' })).toBeVisible();
  const secret = (await page.getByTestId('setup-key').innerText()).replace(/\s+/g, '');
  await expect(page.getByRole('img', { name: /^QR-Code zur Einrichtung von .+\. Der Schlüssel zur manuellen Eingabe lautet / })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Abbrechen' })).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel('Authentifizierungscode').fill(totp(secret));
  await submit(page, page.getByRole('button', { name: 'Bestätigen und aktivieren' }));
  await expect(page.getByRole('heading', { name: 'Wiederherstellungscodes speichern' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Die Zwei-Faktor-Authentifizierung ist aktiviert.' })).toBeVisible();
  const codes = (await page.getByTestId('recovery-codes').locator('li').allInnerTexts()).map((c) => c.trim());
  expect(codes).toHaveLength(10);
  await expectAccessible(page);

  // The file says what the codes are, in German, with the codes as they were shown.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Herunterladen' }).click()]);
  const file = await readFile((await download.path())!, 'utf8');
  expect(file).toMatch(/^.+ – Wiederherstellungscodes\nKonto: /);
  expect(file).toContain(`Konto: ${user.email}\nErstellt: `);
  expect(file).toContain('Jeder Code funktioniert einmal.');
  expect(file).not.toContain('recovery codes');
  expect(file.match(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/gm)).toEqual(codes);

  await page.getByLabel('Ich habe diese Codes gespeichert').check();
  await page.getByRole('button', { name: 'Fertig' }).click();
  await expect(page.getByRole('heading', { name: 'Die Zwei-Faktor-Authentifizierung ist aktiviert' })).toBeVisible();
  await expect(page.getByTestId('codes-left')).toHaveText('10 von 10');
  // The date as Germans write it, in UTC.
  await expect(page.locator('dd').first()).toHaveText(/^\d{1,2}\. \p{L}+ \d{4} um \d{2}:\d{2} UTC$/u);
  await expect(page.getByRole('link', { name: '2FA neu einrichten' })).toBeVisible();
  await expectAccessible(page);
});

test('2FA tab in German: the step-up refuses a missing code and a wrong password, then regenerates; the key section and its list', async ({ page, org }) => {
  const user = await org.userWith2fa();
  await registerKey(user, org.id, 'usb', 'Blauer Schlüssel');
  // Signed in a while ago: the step-up asks for a second factor too.
  await signInDirectly(page.context(), user.id, 'password');
  await page.goto('/profile/2fa');
  const keys = page.getByRole('list', { name: 'Ihre Sicherheitsschlüssel und Passkeys' });
  await expect(keys).toContainText('Blauer Schlüssel');
  await expect(keys).toContainText(/Hinzugefügt am \d{1,2}\. \p{L}+ \d{4} um \d{2}:\d{2} UTC · noch nie verwendet/u);
  await expect(keys.getByRole('link', { name: 'Blauer Schlüssel umbenennen' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Authentifizierungs-App entfernen' })).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('link', { name: 'Wiederherstellungscodes neu erzeugen' }).click();
  await expect(page.getByRole('heading', { name: 'Wiederherstellungscodes neu erzeugen' })).toBeVisible();
  await expect(page.getByText('Ihre bisherigen Wiederherstellungscodes funktionieren sofort nicht mehr')).toBeVisible();
  // The key beside the codes: its button with JavaScript, the sentence saying why not without.
  if (withJs()) await expect(page.getByRole('button', { name: 'Sicherheitsschlüssel verwenden' })).toBeVisible();
  else await expect(page.getByText('Die Bestätigung mit einem Sicherheitsschlüssel benötigt JavaScript.')).toBeVisible();
  await expect(page.getByLabel('Oder ein Code aus Ihrer Authentifizierungs-App')).toBeVisible();
  await expect(page.getByLabel('Oder ein Wiederherstellungscode')).toBeVisible();
  await expectAccessible(page);
  const regenerate = page.getByRole('button', { name: 'Wiederherstellungscodes neu erzeugen' });

  // The password alone is not enough here.
  await page.getByLabel('Passwort', { exact: true }).fill(user.password);
  await submit(page, regenerate);
  await expect(alert(page).first()).toHaveText('Bestätigen Sie mit einem Code aus Ihrer Authentifizierungs-App.');
  await expect(page.getByText('Geben Sie den 6-stelligen Code aus Ihrer Authentifizierungs-App ein oder verwenden Sie einen Wiederherstellungscode.')).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel('Passwort', { exact: true }).fill('not-my-password');
  await page.getByLabel('Oder ein Code aus Ihrer Authentifizierungs-App').fill(totp(user.secret));
  await submit(page, regenerate);
  await expect(alert(page).first()).toHaveText('Dieses Passwort ist nicht richtig.');
  expect(await auditActions(user.id)).not.toContain('2fa.recovery_codes_regenerated');

  await page.getByLabel('Passwort', { exact: true }).fill(user.password);
  await page.getByLabel('Oder ein Code aus Ihrer Authentifizierungs-App').fill(totp(user.secret));
  await submit(page, regenerate);
  await expect(page.getByRole('status').filter({ hasText: 'Neue Wiederherstellungscodes sind bereit. Die alten funktionieren nicht mehr.' })).toBeVisible();
  await expect(page.getByTestId('recovery-codes').locator('li')).toHaveCount(10);
  await expectAccessible(page);
});

test('Devices tab in German: the sessions, times for the locale, a trusted browser removed', { tag: '@once' }, async ({ page, org }) => {
  const user = await org.userWith2fa();
  await signInDirectly(page.context(), user.id, 'password', { secondFactor: true });
  await trustDirectly(page.context(), user);
  await page.goto('/profile/sessions');
  await expect(page).toHaveTitle(/^Geräte · /);
  await expect(page.getByRole('heading', { name: 'Geräte', level: 2 })).toBeVisible();
  const session = page.getByTestId('session');
  await expect(session).toHaveCount(1);
  await expect(session).toContainText('Dieser Browser');
  await expect(session.locator('dt')).toHaveText(['Angemeldet mit', 'Zweiter Faktor', 'Adresse', 'Angemeldet', 'Zuletzt aktiv']);
  await expect(session.locator('dd').first()).toHaveText('Passwort');
  await expect(session.locator('time').first()).toHaveText(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} UTC$/);
  await expect(page.getByText('Kein anderer Browser ist angemeldet.')).toBeVisible();
  const trusted = page.getByRole('list', { name: 'Vertrauenswürdige Browser' });
  await expect(trusted).toContainText('(dieser Browser)');
  await expect(trusted).toContainText(/Läuft ab\s*\d{1,2}\. \p{L}+ \d{4} um \d{2}:\d{2} UTC/u);
  await expect(trusted).toContainText('Noch nicht');
  await expectAccessible(page);

  await submit(page, trusted.getByRole('button', { name: /^Entfernen diesen Browser, vertraut seit / }));
  await expect(page.getByText('Der Browser wurde entfernt. Er fragt wieder nach Ihrem zweiten Anmeldeschritt.')).toBeVisible();
  await expect(page.getByText('Kein Browser ist als vertrauenswürdig gespeichert.')).toBeVisible();
  await expectAccessible(page);
});

test('the password tab, the home page and a page not found in German', { tag: '@once' }, async ({ page, org }) => {
  const user = await org.user({ name: 'Greta Gruber' });
  await signInDirectly(page.context(), user.id, 'password');
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Willkommen, Greta Gruber' })).toBeVisible();
  await expect(page.locator('dt')).toHaveText(['E-Mail-Adresse', 'Organisation', 'Rolle', 'Angemeldet mit', '2FA-Richtlinie der Organisation']);
  await expect(page.locator('dd').nth(4)).toHaveText('Optional');
  await expectAccessible(page);

  await page.getByRole('main').getByRole('link', { name: 'Passwort ändern' }).click();
  await expect(page).toHaveTitle(/^Passwort · /);
  await page.getByLabel('Aktuelles Passwort').fill('not-my-password');
  await page.getByLabel('Neues Passwort', { exact: true }).fill('a-new-passphrase');
  await page.getByLabel('Neues Passwort wiederholen').fill('another-passphrase');
  await submit(page, page.getByRole('button', { name: 'Passwort ändern' }));
  await expect(page.getByText('Die beiden neuen Passwörter stimmen nicht überein.')).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Aktuelles Passwort').fill('not-my-password');
  await page.getByLabel('Neues Passwort', { exact: true }).fill('a-new-passphrase');
  await page.getByLabel('Neues Passwort wiederholen').fill('a-new-passphrase');
  await submit(page, page.getByRole('button', { name: 'Passwort ändern' }));
  await expect(alert(page).first()).toHaveText('Dieses Passwort ist nicht richtig.');
  expect(await auditActions(user.id)).not.toContain('password.changed');

  await page.goto('/no-such-page');
  await expect(page.getByRole('heading', { name: 'Seite nicht gefunden' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Zur Startseite' })).toBeVisible();
});

test('forgotten password in German: the request, the answer, the link’s page, its refusals and its end', { tag: '@once' }, async ({ page, org }) => {
  const user = await org.userWith2fa();
  await page.goto('/login/forgot-password');
  await expect(page).toHaveTitle(/^Passwort vergessen\? · /);
  await expect(page.getByRole('heading', { name: 'Passwort vergessen?' })).toBeVisible();
  await expectAccessible(page);
  await submit(page, page.getByRole('button', { name: 'Link senden' }));
  await expect(page.getByText('Geben Sie Ihre E-Mail-Adresse ein.').first()).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel('E-Mail-Adresse').fill(user.email);
  await submit(page, page.getByRole('button', { name: 'Link senden' }));
  await expect(page.getByRole('status').filter({ hasText: 'Wenn sich ein Konto mit dieser Adresse mit einem Passwort anmelden kann, haben wir einen Link an sie gesendet.' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Zurück zur Anmeldung' })).toBeVisible();
  await expectAccessible(page);

  const mail = await waitForMail(user.email, 'password_reset');
  const link = linksIn(mail).find((l) => l.includes('/login/reset-password?token='))!;
  rememberSecret(new URL(link).searchParams.get('token')!);
  await page.goto(link);
  await expect(page).toHaveTitle(/^Neues Passwort wählen · /);
  await expect(page.locator('main')).toContainText(`Wählen Sie ein neues Passwort für ${user.email}.`);
  await page.getByLabel('Neues Passwort', { exact: true }).fill('a-new-passphrase');
  await page.getByLabel('Neues Passwort wiederholen').fill('another-passphrase');
  await submit(page, page.getByRole('button', { name: 'Neues Passwort festlegen' }));
  await expect(page.getByText('Die beiden neuen Passwörter stimmen nicht überein.')).toBeVisible();
  await expectAccessible(page);

  const newPassword = `neu-${user.password}`;
  rememberSecret(newPassword);
  await page.getByLabel('Neues Passwort', { exact: true }).fill(newPassword);
  await page.getByLabel('Neues Passwort wiederholen').fill(newPassword);
  await submit(page, page.getByRole('button', { name: 'Neues Passwort festlegen' }));
  await expect(page.getByRole('status').filter({ hasText: 'Ihr Passwort wurde geändert. Melden Sie sich an.' })).toBeVisible();

  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Passwort zurücksetzen' })).toBeVisible();
  await expect(page.getByText('Dieser Link ist abgelaufen oder wurde bereits verwendet.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Neuen Link senden' })).toHaveAttribute('href', '/login/forgot-password');
  await expectAccessible(page);
  expect((await userRow(user.id)).totpEnabledAt).not.toBeNull();
});

test('an invitation link that no longer works says so in German', { tag: '@once' }, async ({ page }) => {
  await page.goto('/invitation');
  await expect(page).toHaveTitle(/^Einladung annehmen · /);
  await expect(page.getByRole('heading', { name: 'Einladung' })).toBeVisible();
  await expect(page.locator('p[role=alert]')).toHaveText('Diese Einladung ist abgelaufen oder wurde bereits verwendet. Bitten Sie Ihre Administration um eine neue.');
  await expect(page.getByRole('link', { name: 'Zur Anmeldung' })).toBeVisible();
  await expectAccessible(page);
});
