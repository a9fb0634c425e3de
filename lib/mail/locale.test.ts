import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asc, eq } from 'drizzle-orm';
import { AsyncLocalStorage } from 'node:async_hooks';
import { db, writeTransaction } from '@/db';
import { mailOutbox, users } from '@/db/schema';
import { inviteUser } from '@/lib/accounts/invitations';
import { createOrganization } from '@/lib/accounts/organizations';
import { sendResetLink } from '@/lib/accounts/password-reset';
import { changePassword, createUser } from '@/lib/accounts/users';
import { audit } from '@/lib/audit';
import { createSession } from '@/lib/auth/session';
import { resetTwoFactor } from '@/lib/auth/two-factor-changes';
import { config } from '@/lib/config';
import { environmentLocale } from '@/lib/i18n/environment';
import type { Locale } from '@/lib/i18n/locales';
import { formatCompactDateTime } from '@/lib/i18n/utc-times';
import { openMail } from './outbox';

// Which language a mail is written in: the recipient's choice, else the browser of the request made
// for them, else English; an invitation in the inviter's. Rendered when queued, so decided then.

process.env.DESKGATE_LOG = 'off';
// As the Next server provides it, before its request stores load.
(globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage ??= AsyncLocalStorage;
const { workAsyncStorage } = await import('next/dist/server/app-render/work-async-storage.external.js');
const { workUnitAsyncStorage } = await import('next/dist/server/app-render/work-unit-async-storage.external.js');
const operator = { kind: 'operator' } as const;
const org = await createOrganization({ slug: 'sprache', name: 'Sprache', policy: 'optional' }, operator);
const appName = config().appName;
let n = 0;
async function person(locale: Locale | null, role: 'member' | 'admin' = 'member') {
  n += 1;
  const user = await createUser({ org: 'sprache', email: `p${n}@sprache.example`, name: `Person ${n}`, role, method: 'password', password: 'password-1' }, operator);
  if (locale) await writeTransaction((tx) => tx.update(users).set({ locale }).where(eq(users.id, user.id)));
  return user;
}
const mailsTo = async (to: string) => (await (await db()).select().from(mailOutbox).where(eq(mailOutbox.toAddress, to)).orderBy(asc(mailOutbox.id))).map(openMail);
const session = (userId: number) => writeTransaction((tx) => createSession(tx, userId, 'password', null));
const ip = '203.0.113.7';

/** Runs `work` as a server action of a request with this Accept-Language would (next/headers reads it). */
function inRequest<T>(acceptLanguage: string, work: () => Promise<T>): Promise<T> {
  const workStore = { route: '/test', forceStatic: false, dynamicShouldError: false } as unknown as Parameters<typeof workAsyncStorage.run>[0];
  const requestStore = { type: 'request', phase: 'action', headers: new Headers({ 'accept-language': acceptLanguage }) } as unknown as Parameters<typeof workUnitAsyncStorage.run>[0];
  return workAsyncStorage.run(workStore, () => workUnitAsyncStorage.run(requestStore, work));
}

test('a German user’s notification is German: subject, text and HTML, the date in German format (UTC)', async () => {
  const user = await person('de');
  const sessionId = await session(user.id);
  const before = Date.now();
  assert.equal(await changePassword(user.id, 'password-2', { orgId: org.id, ip, sessionId }), true);
  const [mail] = await mailsTo(user.email);
  assert.equal(mail!.kind, 'password.changed');
  assert.equal(mail!.subject, `${appName}: Ihr Passwort wurde geändert`);
  assert.match(mail!.textBody!, new RegExp(`^Guten Tag ${user.name},`));
  assert.match(mail!.textBody!, /^Das Passwort Ihres Kontos wurde geändert\. Ihre anderen Sitzungen wurden abgemeldet\.$/m);
  assert.match(mail!.textBody!, /^Zeitpunkt: \d\d\.\d\d\.\d{4}, \d\d:\d\d UTC$/m);
  assert.ok(mail!.textBody!.includes(`Zeitpunkt: ${formatCompactDateTime(before, 'de')}`) || mail!.textBody!.includes(`Zeitpunkt: ${formatCompactDateTime(Date.now(), 'de')}`));
  assert.match(mail!.textBody!, /^IP-Adresse: 203\.0\.113\.7$/m);
  assert.match(mail!.textBody!, /^Ihr Profil:$/m);
  assert.doesNotMatch(mail!.textBody!, /Hello|When:|If this wasn’t you/);
  assert.match(mail!.htmlBody!, /<html lang="de">/);
  assert.match(mail!.htmlBody!, /<title>Ihr Passwort wurde geändert<\/title>/);
  assert.match(mail!.htmlBody!, /<th scope="row"[^>]*>Zeitpunkt<\/th>/);
  assert.match(mail!.htmlBody!, /Oder kopieren Sie diese Adresse in Ihren Browser: http/);
  assert.doesNotMatch(mail!.htmlBody!, /Hello|Or copy/);
});

test('an English user’s notification is unchanged, and a German browser does not change a stored English choice', async () => {
  const none = await person(null);
  const english = await person('en');
  for (const user of [none, english]) {
    const sessionId = await session(user.id);
    await inRequest(user === none ? 'en-US,en;q=0.9' : 'de-DE,de;q=0.9', () => changePassword(user.id, 'password-2', { orgId: org.id, ip, sessionId }));
    const [mail] = await mailsTo(user.email);
    assert.equal(mail!.subject, `${appName}: Your password was changed`);
    assert.match(mail!.textBody!, new RegExp(`^Hello ${user.name},\n\nThe password of your account was changed\\. Your other sessions were signed out\\.\n\nWhen: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\nFrom address: 203\\.0\\.113\\.7\n\nYour profile:\nhttp\\S+/profile/password\n\nIf this wasn’t you, tell your administrator right away: someone else may be signed in to your account\\.\n\n— ${appName}\n$`));
    assert.match(mail!.htmlBody!, /<html lang="en">/);
    assert.match(mail!.htmlBody!, /Or copy this address into your browser: http/);
  }
});

test('a user with no choice who acts from a German browser is mailed in German; an admin’s German browser does not choose for them', async () => {
  const user = await person(null);
  const sessionId = await session(user.id);
  await inRequest('de-DE,de;q=0.9,en;q=0.5', () => changePassword(user.id, 'password-2', { orgId: org.id, ip, sessionId }));
  assert.equal((await mailsTo(user.email))[0]!.subject, `${appName}: Ihr Passwort wurde geändert`);

  const admin = await person(null, 'admin');
  const adminSession = await session(admin.id);
  const other = await person(null);
  await inRequest('de-DE', () => resetTwoFactor(other.id, { actor: { kind: 'user', userId: admin.id, sessionId: adminSession }, orgId: org.id, ip, reason: 'lost phone' }));
  assert.equal((await mailsTo(other.email)).at(-1)!.subject, `${appName}: Your two-factor authentication was reset`);
});

test('an admin’s reset of a German user names the admin in German', async () => {
  const user = await person('de');
  const admin = await person('en', 'admin');
  const adminSession = await session(admin.id);
  assert.equal(await resetTwoFactor(user.id, { actor: { kind: 'user', userId: admin.id, sessionId: adminSession }, orgId: org.id, ip: '198.51.100.4', reason: 'lost phone' }), true);
  const mail = (await mailsTo(user.email)).at(-1)!;
  assert.equal(mail.subject, `${appName}: Ihre Zwei-Faktor-Authentifizierung wurde zurückgesetzt`);
  assert.match(mail.textBody!, new RegExp(`^Durch: ${admin.name} \\(${admin.email}\\) aus der Administration$`, 'm'));
  assert.match(mail.textBody!, /^Ihre Einstellungen zur Zwei-Faktor-Authentifizierung:$/m);
  assert.match(mail.htmlBody!, /Falls Sie das nicht veranlasst haben/);
});

test('a recovery code used: the German mail says how many are left, in its subject and text', async () => {
  const user = await person('de');
  const used = (codesLeft: number) =>
    writeTransaction((tx) => audit(tx, { orgId: org.id, actor: { kind: 'user', userId: user.id }, targetUserId: user.id, action: 'sign_in.recovery_code_used', detail: { codesLeft }, ip }));
  await used(1);
  await used(0);
  const [one, none] = await mailsTo(user.email);
  assert.equal(one!.subject, `${appName}: Ein Wiederherstellungscode wurde verwendet (noch 1)`);
  assert.match(one!.textBody!, /^Sie haben nur noch 1 Wiederherstellungscode\. /m);
  assert.match(one!.textBody!, /^Verbleibende Wiederherstellungscodes: 1$/m);
  assert.match(none!.textBody!, /^Sie haben keine Wiederherstellungscodes mehr\./m);
});

test('a forgotten-password mail follows the browser that asked for it when the user has no choice; a choice wins', async () => {
  const user = await person(null);
  const chose = await person('en');
  const system = { kind: 'system' } as const;
  await inRequest('de-AT,de;q=0.9', () => sendResetLink(user.email, ip, system, { capped: true }));
  await inRequest('de-DE', () => sendResetLink(chose.email, ip, system, { capped: true }));
  // Read before the next link: a newer link deletes the older one's unsent mail.
  const [german] = await mailsTo(user.email);
  await sendResetLink(user.email, ip, system, { capped: true });
  const [english] = await mailsTo(user.email);
  assert.equal(german!.subject, `${appName}: Passwort zurücksetzen`);
  assert.match(german!.textBody!, /^Neues Passwort wählen:\nhttp\S+\/login\/reset-password\?token=[\w-]{43}$/m);
  assert.match(german!.textBody!, /Der Link funktioniert einmal, 30 Minuten lang\./);
  assert.match(german!.htmlBody!, /<html lang="de">/);
  assert.equal(english!.subject, `${appName}: Reset your password`, 'outside a request: English');
  assert.equal((await mailsTo(chose.email))[0]!.subject, `${appName}: Reset your password`);
  // An operator's reset (the CLI) has no request: the user's choice, else English.
  const german2 = await person('de');
  await sendResetLink(german2.email, null, operator, { capped: false });
  assert.equal((await mailsTo(german2.email))[0]!.subject, `${appName}: Passwort zurücksetzen`);
});

test('an invitation is in the inviting admin’s language, and the invitee’s choice stays unset', async () => {
  const admin = await person(null, 'admin');
  const adminSession = await session(admin.id);
  const actor = { kind: 'user' as const, userId: admin.id, sessionId: adminSession };
  const invited = await inRequest('de-DE,de;q=0.9', () => inviteUser({ email: 'neu@sprache.example', name: 'Neue Person', role: 'member', method: 'password' }, { actor, orgId: org.id, ip }));
  assert.ok('id' in invited);
  const [mail] = await mailsTo('neu@sprache.example');
  assert.equal(mail!.subject, `${appName}: Einladung zu Sprache`);
  assert.match(mail!.textBody!, new RegExp(`^${admin.name} hat Sie zu Sprache eingeladen\\.`, 'm'));
  assert.match(mail!.textBody!, /^Passwort wählen:\nhttp\S+\/invitation\?token=/m);
  const [row] = await (await db()).select({ locale: users.locale }).from(users).where(eq(users.id, invited.id));
  assert.equal(row!.locale, null);

  await inviteUser({ email: 'new@sprache.example', name: 'New Person', role: 'member', method: 'password' }, { actor, orgId: org.id, ip });
  assert.equal((await mailsTo('new@sprache.example'))[0]!.subject, `${appName}: You are invited to Sprache`);
});

test('the operator’s language: LC_ALL, then LC_MESSAGES, then LANG; German only for de', () => {
  assert.equal(environmentLocale({ LANG: 'de_DE.UTF-8' }), 'de');
  assert.equal(environmentLocale({ LANG: 'de' }), 'de');
  assert.equal(environmentLocale({ LANG: 'de_AT@euro' }), 'de');
  assert.equal(environmentLocale({ LC_ALL: 'C', LANG: 'de_DE.UTF-8' }), 'en');
  assert.equal(environmentLocale({ LC_ALL: '', LC_MESSAGES: 'de_DE.UTF-8', LANG: 'en_US.UTF-8' }), 'de');
  assert.equal(environmentLocale({ LC_MESSAGES: 'POSIX', LANG: 'de_DE.UTF-8' }), 'en');
  for (const lang of ['C', 'POSIX', 'C.UTF-8', 'fr_FR.UTF-8', 'en_GB.UTF-8', 'deutsch', '']) assert.equal(environmentLocale({ LANG: lang }), 'en', lang);
  assert.equal(environmentLocale({}), 'en');
});
