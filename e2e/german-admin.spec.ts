import type { Page } from '@playwright/test';
import { setGraceDays } from '@/lib/accounts/grace-setting';
import { setPasskeySignIn } from '@/lib/accounts/passkey-setting';
import { expect, expectAccessible, TestOrg, test, totp } from './fixtures';
import { auditActions, userRow } from './support/db';
import { signInDirectly } from './support/sessions';
import { submit } from './support/submit';

// An administrator whose browser asks for German (#18): the users table, the adoption counts, the
// change dialog (its own page without JavaScript), the settings and the audit log come in German.
// The step-up fields are another part's to translate: they are found here by their field names.
test.use({ locale: 'de-DE', extraHTTPHeaders: { 'Accept-Language': 'de-DE,de;q=0.9,en;q=0.5' } });
test.describe.configure({ timeout: 120_000 });

const withJs = () => test.info().project.use.javaScriptEnabled !== false;
// Tagged @once: without JavaScript these pages post the same forms the English no-JS pass walks; the
// words are the server's either way. The reset dialog runs in both: without JavaScript it is a page of its own.
const adoption = (page: Page) => page.getByTestId('adoption-counts');
const table = (page: Page) => page.getByRole('region', { name: 'Benutzertabelle' });

test('the users table in German: adoption counts, filter, search, labels, bulk require and its answer', { tag: '@once' }, async ({ page }) => {
  const org = await TestOrg.create('optional');
  const admin = await org.user({ role: 'admin', name: 'Ada Admin' });
  await org.userWith2fa({ name: 'Eve Enrolled' });
  const rae = await org.user({ name: 'Rae Required' });
  const rob = await org.user({ name: 'Rob Required' });
  for (const u of [rae, rob]) await org.requireTwoFactor(u);
  const mia = await org.user({ name: 'Mia Member' });
  await org.user({ method: 'sso', name: 'Sol Sso' });
  await setGraceDays(org.id, 7, { kind: 'operator' });
  await signInDirectly(page.context(), admin.id, 'password');

  await page.goto('/admin/users');
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page).toHaveTitle(/^Benutzer · /);
  await expect(page.getByRole('heading', { name: `Verwaltung · ${org.name}` })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Bereiche der Verwaltung' }).getByRole('link', { name: 'Audit-Log' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Verbreitung der 2FA' })).toBeVisible();
  await expect(adoption(page).getByRole('link', { name: '1 Passwort-Benutzer mit 2FA', exact: true })).toBeVisible();
  await expect(adoption(page).getByRole('link', { name: '2 Passwort-Benutzer ohne 2FA', exact: true })).toBeVisible();
  await expect(adoption(page).getByRole('link', { name: '2 Passwort-Benutzer, für die 2FA verlangt wird und die sie nicht eingerichtet haben', exact: true })).toBeVisible();
  await expect(adoption(page).getByRole('link', { name: '1 SSO-Benutzer, deren 2FA der Identitätsanbieter verwaltet', exact: true })).toBeVisible();
  await expect(adoption(page)).toContainText('2, deren Übergangsfrist bei ihrer nächsten Anmeldung beginnt.');
  await expect(table(page).getByRole('columnheader', { name: 'Letzte Anmeldung' })).toBeVisible();
  await expect(table(page).getByRole('row', { name: /Sol Sso/ })).toContainText('Vom Identitätsanbieter verwaltet');
  await expect(table(page).getByRole('row', { name: /Eve Enrolled/ })).toContainText('Aktiviert');
  await expect(table(page).getByRole('row', { name: /Eve Enrolled/ })).toContainText('App');
  await expect(page.getByRole('link', { name: 'CSV herunterladen', exact: true })).toBeVisible();
  await expectAccessible(page);

  // A filter and a search, sent with the form (a GET: the same with JavaScript and without).
  await page.getByLabel('2FA', { exact: true }).selectOption({ label: 'Verlangt, nicht eingerichtet' });
  await page.getByLabel('Name oder E-Mail-Adresse suchen').fill('Rae');
  await page.getByRole('button', { name: 'Anwenden' }).click();
  await expect(page).toHaveURL(/state=required/);
  await expect(table(page).getByRole('row')).toHaveCount(2);
  await expect(table(page).getByRole('row', { name: /Rae Required/ })).toContainText('Verlangt, nicht eingerichtet');
  await expect(table(page).getByRole('row', { name: /Rae Required/ })).toContainText('Übergangsfrist beginnt bei der nächsten Anmeldung');
  await expect(page.getByRole('link', { name: 'CSV herunterladen (gefiltert)' })).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel('Name oder E-Mail-Adresse suchen').fill('Niemand');
  await page.getByRole('button', { name: 'Anwenden' }).click();
  await expect(page.getByText('Keine Benutzer gefunden.')).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Alle Benutzer anzeigen' }).click();
  await expect(table(page).getByRole('row')).toHaveCount(7);

  // "Require 2FA for selected": the answer's sentences in German.
  const bulk = page.getByRole('form', { name: '2FA für die ausgewählten Benutzer verlangen' });
  await page.getByRole('checkbox', { name: 'Mia Member auswählen' }).check();
  await page.getByRole('checkbox', { name: 'Rae Required auswählen' }).check();
  await bulk.locator('input[name="password"]').fill(admin.password);
  await submit(page, bulk.getByRole('button', { name: '2FA für Ausgewählte verlangen' }));
  const outcome = bulk.getByRole('status');
  await expect(outcome).toContainText('2FA wird jetzt für 1 Benutzer verlangt: Mia Member.');
  await expect(outcome).toContainText('Abgemeldet (ihre 7 Tage zur Einrichtung der 2FA beginnen bei ihrer nächsten Anmeldung): Mia Member.');
  await expect(outcome).toContainText('1 Benutzer übersprungen, für den 2FA bereits verlangt wird.');
  await expectAccessible(page);
  expect((await userRow(mia.id)).twoFactorRequired).toBe(true);
});

test('the reset dialog in German (its own page without JavaScript): a step-up refusal changes nothing, then the reset', async ({ page }) => {
  const org = await TestOrg.create('optional');
  const admin = await org.userWith2fa({ role: 'admin', name: 'Ada Admin' });
  const rita = await org.userWith2fa({ name: 'Rita Reset' });
  await signInDirectly(page.context(), admin.id, 'password');

  await page.goto('/admin/users');
  await page.getByRole('link', { name: '2FA von Rita Reset zurücksetzen' }).click();
  const title = '2FA von Rita Reset zurücksetzen?';
  const confirm = withJs() ? page.getByRole('dialog', { name: title }) : page.locator('main');
  await expect(confirm.getByRole('heading', { name: title })).toBeVisible();
  if (!withJs()) await expect(page).toHaveTitle(/^2FA zurücksetzen · /);
  await expect(confirm).toContainText(`Wiederherstellungscodes von ${rita.email} entfernt`);
  await expect(confirm.getByLabel('Grund (optional, wird im Audit-Log gespeichert)')).toBeVisible();
  await expectAccessible(page);

  await confirm.getByLabel('Grund (optional, wird im Audit-Log gespeichert)').fill('Telefon verloren');
  await confirm.locator('input[name="password"]').fill('not-the-password-1');
  await confirm.locator('input[name="code"]').fill(totp(admin.secret));
  await submit(page, confirm.getByRole('button', { name: '2FA zurücksetzen' }));
  await expect(confirm.locator('p[role=alert]').first()).toBeVisible();
  await expect(confirm.getByRole('heading', { name: title }), 'still the German confirmation').toBeVisible();
  await expect(confirm.getByLabel('Grund (optional, wird im Audit-Log gespeichert)'), 'the reason is kept').toHaveValue('Telefon verloren');
  expect((await userRow(rita.id)).totpSecret, 'nothing changed').not.toBeNull();
  expect(await auditActions(admin.id)).toContain('step_up.failed');
  await expectAccessible(page);

  await confirm.locator('input[name="password"]').fill(admin.password);
  await confirm.locator('input[name="code"]').fill(totp(admin.secret));
  await submit(page, confirm.getByRole('button', { name: '2FA zurücksetzen' }));
  await expect(page.getByRole('status').filter({ hasText: 'Die 2FA von Rita Reset wurde zurückgesetzt. Die Person wurde überall abgemeldet.' })).toBeVisible();
  expect((await userRow(rita.id)).totpSecret).toBeNull();
  await expectAccessible(page);
});

test('the settings page in German: policy, grace period, passkeys, trusted browsers, and an answer', { tag: '@once' }, async ({ page }) => {
  const org = await TestOrg.create('optional');
  const admin = await org.user({ role: 'admin', name: 'Ada Admin' });
  await signInDirectly(page.context(), admin.id, 'password');

  await page.goto('/admin/settings');
  await expect(page).toHaveTitle(/^2FA-Richtlinie · /);
  for (const name of ['Richtlinie für die Zwei-Faktor-Authentifizierung', 'Verbreitung der 2FA', 'Übergangsfrist zur Einrichtung der 2FA', 'Passkeys', 'Vertrauenswürdige Browser']) {
    await expect(page.getByRole('heading', { name, exact: true })).toBeVisible();
  }
  await expect(page.getByRole('radio', { name: 'Verlangt' })).toBeVisible();
  await expect(page.getByRole('radio', { name: 'Optional' })).toBeChecked();
  await expect(page.getByLabel('Übergangsfrist (Tage, 0–30)')).toHaveValue('0');
  await expect(page.getByLabel('Vertrauenswürdige Browser erlauben')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Passkey-Einstellung speichern' })).toBeVisible();
  await expectAccessible(page);

  const passkeys = page.locator('form').filter({ has: page.getByRole('button', { name: 'Passkey-Einstellung speichern' }) });
  await passkeys.getByRole('radio', { name: 'Nicht erlaubt' }).check();
  await submit(page, passkeys.getByRole('button', { name: 'Passkey-Einstellung speichern' }));
  await expect(passkeys.getByRole('status')).toContainText('Gespeichert. Passkeys können nicht mehr zur Anmeldung verwendet werden');
  await expectAccessible(page);

  const policy = page.locator('form').filter({ has: page.getByRole('button', { name: 'Richtlinie speichern' }) });
  await submit(page, policy.getByRole('button', { name: 'Richtlinie speichern' }));
  await expect(policy.getByRole('status')).toContainText('Es wurde nichts geändert.');
  await expectAccessible(page);
});

test('the audit log in German: sentences, times, the type filter and a filter error', { tag: '@once' }, async ({ page }) => {
  const org = await TestOrg.create('optional');
  const admin = await org.user({ role: 'admin', name: 'Ada Admin' });
  await setPasskeySignIn(org.id, false, { kind: 'operator' });
  await setGraceDays(org.id, 3, { kind: 'operator' });
  await signInDirectly(page.context(), admin.id, 'password');

  await page.goto('/admin/audit');
  await expect(page).toHaveTitle(/^Audit-Log · /);
  await expect(page.getByRole('heading', { name: 'Audit-Log', exact: true })).toBeVisible();
  await expect(page.getByText('Neueste zuerst. Zeiten in UTC.')).toBeVisible();
  const events = page.getByRole('region', { name: 'Audit-Ereignisse' });
  await expect(events.getByRole('rowheader', { name: /^Ein Operator \(Kommandozeile\) hat die Anmeldung mit Passkey ausgeschaltet/ })).toBeVisible();
  await expect(events.getByRole('rowheader', { name: /Ein Operator \(Kommandozeile\) hat die Übergangsfrist zur Einrichtung der 2FA von keine auf 3 Tage geändert/ })).toBeVisible();
  // Times in the German format, in UTC: "03.12.2026, 15:40:12".
  await expect(events.locator('time').first()).toHaveText(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}:\d{2}$/);
  await expect(events.getByRole('columnheader', { name: 'Handelnde Person' })).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel('Ereignistyp').selectOption({ label: 'Anmeldung mit Passkey umgestellt' });
  await page.getByRole('button', { name: 'Filtern' }).click();
  await expect(page).toHaveURL(/type=org\.passkey_sign_in_changed/);
  await expect(events.getByRole('row')).toHaveCount(2);
  await expect(page.getByRole('link', { name: 'CSV herunterladen (gefiltert)' })).toBeVisible();
  await expectAccessible(page);

  await page.goto('/admin/audit?from=gestern');
  await expect(page.getByText('Die Filter müssen korrigiert werden, bevor Ereignisse angezeigt werden:')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Geben Sie das „Von“-Datum als Datum ein, etwa 2026-12-03.' })).toBeVisible();
  await expect(page.getByLabel('Von (UTC)')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page);

  await page.goto(`/admin/audit?user=${encodeURIComponent('Niemand')}`);
  await expect(page.getByText('Bei keinem Benutzer beginnt der Name oder die E-Mail-Adresse mit „Niemand“.')).toBeVisible();
  await expectAccessible(page);
});
