import type { Page } from '@playwright/test';
import { expect, expectAccessible, TestOrg, test, totp } from './fixtures';
import { auditActions, userRow } from './support/db';
import { submit } from './support/submit';

// A browser that asks for German (#18): the sign-in, the code step and the forced setup come in
// German, with <html lang="de">, with JavaScript and without. The English labels of the other specs
// (the QA guide's) stay as they are: an English browser sees exactly what it saw before.
test.use({ locale: 'de-DE', extraHTTPHeaders: { 'Accept-Language': 'de-DE,de;q=0.9,en;q=0.5' } });

/** The German sign-in form, filled and sent: where it leads is each test's to check. */
async function passwordStep(page: Page, user: { email: string; password: string }) {
  await page.goto('/login');
  await page.getByLabel('E-Mail-Adresse').fill(user.email);
  await page.getByLabel('Passwort', { exact: true }).fill(user.password);
  await submit(page, page.getByRole('button', { name: 'Anmelden', exact: true }));
}

test('sign-in in German: page, title, validation and refusal', async ({ page, org }) => {
  const user = await org.user();
  await page.goto('/login');
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page.getByRole('heading', { name: 'Anmelden' })).toBeVisible();
  await expect(page).toHaveTitle(/^Anmelden · /);
  await expect(page.getByRole('link', { name: 'Passwort vergessen?' })).toBeVisible();
  await expectAccessible(page);

  // Validation messages of the schema, in German, by each field.
  await submit(page, page.getByRole('button', { name: 'Anmelden', exact: true }));
  await expect(page.getByText('Bitte korrigieren Sie die markierten Felder.')).toBeVisible();
  await expect(page.getByText('Geben Sie Ihre E-Mail-Adresse ein.')).toBeVisible();
  await expect(page.getByText('Geben Sie Ihr Passwort ein.')).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel('E-Mail-Adresse').fill(user.email);
  await page.getByLabel('Passwort', { exact: true }).fill('not-the-password');
  await submit(page, page.getByRole('button', { name: 'Anmelden', exact: true }));
  await expect(page.locator('p[role=alert]')).toContainText('passen zu keinem Konto');
  await expectAccessible(page);

  await page.getByLabel('Passwort', { exact: true }).fill(user.password);
  await submit(page, page.getByRole('button', { name: 'Anmelden', exact: true }));
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Profil' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Abmelden' })).toBeVisible();
});

test('the code step in German: the code, the wrong-code message with attempts left, the recovery code', async ({ page, org }) => {
  const user = await org.userWith2fa();
  await passwordStep(page, user);
  await expect(page).toHaveURL(/\/login\/verify/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page.getByRole('heading', { name: 'Zwei-Faktor-Authentifizierung' })).toBeVisible();
  await expect(page).toHaveTitle(/^Zwei-Faktor-Authentifizierung · /);
  await expect(page.getByLabel('Authentifizierungscode')).toHaveAttribute('autocomplete', 'one-time-code');
  await expectAccessible(page);

  await page.getByLabel('Authentifizierungscode').fill('000000');
  await submit(page, page.getByRole('button', { name: 'Bestätigen' }));
  await expect(page.locator('p[role=alert]')).toContainText('Dieser Code hat nicht funktioniert');
  await expect(page.locator('p[role=alert]')).toContainText(/Noch \d Versuche\./);
  await expectAccessible(page);

  await page.getByRole('link', { name: 'Wiederherstellungscode verwenden' }).click();
  await expect(page.getByLabel('Wiederherstellungscode')).toBeVisible();
  await expect(page.getByText('Hat die Form XXXX-XXXX-XXXX-XXXX.')).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Stattdessen Authentifizierungs-App verwenden' }).click();
  await page.getByLabel('Authentifizierungscode').fill(totp(user.secret));
  await submit(page, page.getByRole('button', { name: 'Bestätigen' }));
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('button', { name: 'Abmelden' })).toBeVisible();
});

test('forced setup in German: the steps, the codes, on to the app', async ({ page }) => {
  const org = await TestOrg.create('required');
  const user = await org.user();
  await passwordStep(page, user);
  await expect(page).toHaveURL(/\/login\/setup-2fa/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page.getByRole('heading', { name: 'Zwei-Faktor-Authentifizierung einrichten', level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: '2. QR-Code scannen' })).toBeVisible();
  await expectAccessible(page);
  const secret = (await page.getByTestId('setup-key').innerText()).replace(/\s+/g, '');

  // The code is refused in German first (a schema message), then accepted.
  await page.getByLabel('Authentifizierungscode').fill('12');
  await submit(page, page.getByRole('button', { name: 'Bestätigen und aktivieren' }));
  await expect(page.getByText('Geben Sie den 6-stelligen Code aus Ihrer Authentifizierungs-App ein.')).toBeVisible();
  await page.getByLabel('Authentifizierungscode').fill(totp(secret));
  await submit(page, page.getByRole('button', { name: 'Bestätigen und aktivieren' }));
  await expect(page.getByRole('heading', { name: 'Wiederherstellungscodes speichern' })).toBeVisible();
  await expect(page.getByTestId('recovery-codes').locator('li')).toHaveCount(10);
  await expectAccessible(page);

  await page.getByLabel('Ich habe diese Codes gespeichert').check();
  await submit(page, page.getByRole('button', { name: 'Weiter' }));
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('button', { name: 'Abmelden' })).toBeVisible();
});

test('a user who chose English on the profile gets English despite a German browser; the choice is audited', async ({ page, org }) => {
  const user = await org.user();
  await passwordStep(page, user);
  await expect(page).toHaveURL(/\/$/);

  await page.goto('/profile/language');
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page.getByLabel('Sprache')).toHaveValue('browser');
  await expectAccessible(page);
  await page.getByLabel('Sprache').selectOption('en');
  await submit(page, page.getByRole('button', { name: 'Sprache speichern' }));
  await expect(page.getByRole('status')).toHaveText('Your language is saved.');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByLabel('Language')).toHaveValue('en');
  await expectAccessible(page);
  expect((await userRow(user.id)).locale).toBe('en');
  expect(await auditActions(user.id)).toContain('user.locale_changed');

  // Every page of the signed-in user follows the choice, whatever the browser asks for.
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();

  // Back to "Browser default": German again.
  await page.goto('/profile/language');
  await page.getByLabel('Language').selectOption('browser');
  await submit(page, page.getByRole('button', { name: 'Save language' }));
  await expect(page.getByRole('status')).toHaveText('Ihre Sprache ist gespeichert.');
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  expect((await userRow(user.id)).locale).toBeNull();
});

// A forged value, which no page can send: the same request with JavaScript or without (@once).
test('a value that is no language is refused in German and changes nothing', { tag: '@once' }, async ({ page, org }) => {
  const user = await org.user();
  await passwordStep(page, user);
  await expect(page).toHaveURL(/\/$/);
  await page.goto('/profile/language');
  // A forged option, as a tampered form would post it.
  await page.locator('select#locale').evaluate((select) => {
    const option = document.createElement('option');
    option.value = 'fr';
    option.textContent = 'Français';
    select.appendChild(option);
  });
  await page.getByLabel('Sprache').selectOption('fr');
  await submit(page, page.getByRole('button', { name: 'Sprache speichern' }));
  await expect(page.locator('p[role=alert]')).toHaveText('Bitte korrigieren Sie die markierten Felder.');
  expect((await userRow(user.id)).locale).toBeNull();
  expect(await auditActions(user.id)).not.toContain('user.locale_changed');
});
