import { test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq, like } from 'drizzle-orm';
import { db, writeTransaction } from '@/db';
import { auditEvents, organizations, sessions, trustedBrowsers, users } from '@/db/schema';
import { createOrganization } from '@/lib/accounts/organizations';
import { changePassword, createUser } from '@/lib/accounts/users';
import { setUserDeactivated } from '@/lib/accounts/deactivation';
import { config } from '@/lib/config';
import { redeemReadyChallenge } from './challenge';
import { createSession } from './session';
import { tokenDigest } from './tokens';
import { endTrustedBrowsers, listTrustedBrowsers, removeTrustedBrowser, setTrustSetting, signInWithTrustedBrowser, trustBrowser, trustSetting, trustWindowMs, widensTrust } from './trusted-browsers';
import { regenerateRecoveryCodes, resetTwoFactor } from './two-factor-changes';

process.env.DESKGATE_LOG = 'off';
const operator = { kind: 'operator' } as const;
let n = 0;
async function freshOrg() {
  n += 1;
  const org = await createOrganization({ slug: `trust${n}`, name: `Trust ${n}`, policy: 'optional' }, operator);
  return org;
}
async function freshUser(org: { slug: string }) {
  n += 1;
  return createUser({ org: org.slug, email: `u${n}@trust.example`, name: `U${n}`, role: 'member', method: 'password', password: 'password-1' }, operator);
}
const DAY = config().trustedBrowserDayMs;
const version = async (userId: number) => (await (await db()).select({ v: users.credentialsVersion }).from(users).where(eq(users.id, userId)))[0]!.v;
const row = async (token: string) => (await (await db()).select().from(trustedBrowsers).where(eq(trustedBrowsers.id, tokenDigest(token))))[0];
const subject = async (user: { id: number; orgId: number }) => ({ id: user.id, orgId: user.orgId, credentialsVersion: await version(user.id) });
const origin = { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0', clientAddress: '192.0.2.1', ip: '192.0.2.1' };
const trust = async (user: { id: number; orgId: number }, now = Date.now()) => (await writeTransaction(async (tx) => trustBrowser(tx, await subject(user), origin, now)))!;
const signIn = async (user: { id: number; orgId: number }, token: string, now = Date.now()) => signInWithTrustedBrowser(await subject(user), token, '/', '192.0.2.1', now);

test('trusting stores only the digest, bound to the user and version, for the organization’s days; audited', async () => {
  const org = await freshOrg();
  const user = await freshUser(org);
  const now = Date.now();
  const { token, expiresAt } = await trust(user, now);
  assert.equal(expiresAt, now + 30 * DAY);
  assert.equal(trustWindowMs(30), 30 * DAY);
  const stored = await row(token);
  assert.ok(stored, 'the row is found by the digest');
  assert.equal((await (await db()).select().from(trustedBrowsers).where(eq(trustedBrowsers.id, token))).length, 0, 'never by the token itself');
  assert.equal(stored.userId, user.id);
  assert.equal(stored.credentialsVersion, await version(user.id));
  assert.equal(stored.expiresAt, expiresAt);
  const events = await (await db()).select().from(auditEvents).where(and(eq(auditEvents.targetUserId, user.id), eq(auditEvents.action, 'trusted_browser.added')));
  assert.equal(events.length, 1);
});

test('a live trust skips the second factor: the session says trusted_browser, has no second-factor time, and the window never moves', async () => {
  const org = await freshOrg();
  const user = await freshUser(org);
  const start = Date.now();
  const { token, expiresAt } = await trust(user, start);
  const later = start + 10 * DAY;
  const ready = await signIn(user, token, later);
  assert.ok(ready, 'a ready challenge');
  const sessionId = await redeemReadyChallenge(ready);
  assert.ok(sessionId, 'through the one path to a session');
  const [session] = await (await db()).select().from(sessions).where(eq(sessions.id, tokenDigest(sessionId)));
  assert.equal(session?.secondFactor, 'trusted_browser');
  assert.equal(session?.secondFactorAt, null, 'step-up still asks for a code');
  const used = await row(token);
  assert.equal(used?.lastUsedAt, later);
  assert.equal(used?.expiresAt, expiresAt, 'not extended by use');
  const audited = await (await db()).select().from(auditEvents).where(and(eq(auditEvents.targetUserId, user.id), eq(auditEvents.action, 'sign_in')));
  assert.match(audited[0]?.detail ?? '', /"secondFactor":"trusted_browser"/);
});

test('another user’s token is useless and left alone', async () => {
  const org = await freshOrg();
  const owner = await freshUser(org);
  const thief = await freshUser(org);
  const { token } = await trust(owner);
  assert.equal(await signIn(thief, token), null);
  assert.ok(await row(token), 'the owner keeps it');
  assert.ok(await signIn(owner, token), 'and it still works for them');
});

test('a stale version refuses, and the row is deleted', async () => {
  const org = await freshOrg();
  const user = await freshUser(org);
  const { token } = await trust(user);
  const stale = await subject(user);
  await writeTransaction((tx) => tx.update(users).set({ credentialsVersion: stale.credentialsVersion + 1 }).where(eq(users.id, user.id)));
  assert.equal(await signInWithTrustedBrowser(stale, token, '/', null), null, 'the version the password step read no longer matches');
  assert.equal(await signIn(user, token), null, 'nor the row’s');
  assert.equal(await row(token), undefined);
});

test('past its window it expires, and the row is deleted', async () => {
  const org = await freshOrg();
  const user = await freshUser(org);
  const start = Date.now();
  const { token, expiresAt } = await trust(user, start);
  assert.ok(await signIn(user, token, expiresAt - 1));
  assert.equal(await signIn(user, token, expiresAt), null);
  assert.equal(await row(token), undefined);
});

test('trust turned off: no new trust, old cookies ignored (and ended); days lowered: takes effect at once', async () => {
  const org = await freshOrg();
  const user = await freshUser(org);
  const start = Date.now();
  const { token } = await trust(user, start);
  // Changed behind the settings function's back: the check at sign-in reads the organization itself.
  await writeTransaction((tx) => tx.update(organizations).set({ trustedBrowsers: false }).where(eq(organizations.id, org.id)));
  assert.equal(await signIn(user, token, start + 1), null, 'ignored while off');
  assert.equal(await writeTransaction(async (tx) => trustBrowser(tx, await subject(user), origin)), null, 'nothing new');
  await writeTransaction((tx) => tx.update(organizations).set({ trustedBrowsers: true, trustedBrowserDays: 2 }).where(eq(organizations.id, org.id)));
  assert.ok(await signIn(user, token, start + DAY), 'within the lowered window');
  assert.equal(await signIn(user, token, start + 2 * DAY), null, 'past the lowered window, though its own expiry is 30 days');

  const second = await trust(user, start);
  assert.equal(second.expiresAt, start + 2 * DAY, 'new trust gets the current days');
  const result = await setTrustSetting(org.id, { allowed: false, days: 2 }, operator);
  assert.deepEqual(result, { changed: true, ended: 2 });
  assert.equal(await row(second.token), undefined, 'turning it off ends every trusted browser of the organization');
  assert.equal(await row(token), undefined);
  const changes = await (await db()).select().from(auditEvents).where(and(eq(auditEvents.orgId, org.id), eq(auditEvents.action, 'org.trusted_browsers_changed')));
  assert.deepEqual(JSON.parse(changes[0]!.detail!), { from: { allowed: true, days: 2 }, to: { allowed: false, days: 2 }, ended: 2 });
});

test('fewer days bring existing expiries forward, more days never push them back', async () => {
  const org = await freshOrg();
  const user = await freshUser(org);
  const start = Date.now() - 3 * DAY;
  const old = await trust(user, start);
  const recent = await trust(user);
  await setTrustSetting(org.id, { allowed: true, days: 5 }, operator);
  assert.equal((await row(recent.token))?.expiresAt, recent.expiresAt - 25 * DAY);
  await setTrustSetting(org.id, { allowed: true, days: 2 }, operator);
  assert.equal(await row(old.token), undefined, 'a trust older than the new window ends');
  await setTrustSetting(org.id, { allowed: true, days: 30 }, operator);
  assert.equal((await row(recent.token))?.expiresAt, recent.expiresAt - 28 * DAY, 'not extended');
  assert.deepEqual(await setTrustSetting(org.id, { allowed: true, days: 30 }, operator), { changed: false, ended: 0 });
});

test('a suspended second step is never skipped; a deactivated user’s trust ends', async () => {
  const org = await freshOrg();
  const user = await freshUser(org);
  const { token } = await trust(user);
  await writeTransaction((tx) => tx.update(users).set({ secondFactorFailures: config().secondFactor.maxFailures }).where(eq(users.id, user.id)));
  assert.equal(await signIn(user, token), null);
  assert.ok(await row(token), 'kept: an admin reset ends it anyway');
  await writeTransaction((tx) => tx.update(users).set({ secondFactorFailures: 0 }).where(eq(users.id, user.id)));
  await setUserDeactivated(user.id, true, { actor: operator, orgId: org.id, ip: null });
  assert.equal(await row(token), undefined);
});

test('password change, recovery codes regenerated and admin reset end every trusted browser of the user', async () => {
  const org = await freshOrg();
  const user = await freshUser(org);
  const other = await freshUser(org);
  const othersTrust = await trust(other);
  const session = await writeTransaction((tx) => createSession(tx, user.id, 'password', null));
  const ctx = { actor: { kind: 'user' as const, userId: user.id }, orgId: org.id, ip: null, sessionId: session };

  let t = await trust(user);
  assert.equal(await changePassword(user.id, 'another-password-2', ctx), true);
  assert.equal(await row(t.token), undefined, 'password change');

  t = await trust(user);
  await writeTransaction((tx) => tx.update(users).set({ totpEnabledAt: Date.now() }).where(eq(users.id, user.id)));
  assert.ok('codes' in (await regenerateRecoveryCodes(user.id, ctx)));
  assert.equal(await row(t.token), undefined, 'recovery codes regenerated');

  t = await trust(user);
  assert.equal(await resetTwoFactor(user.id, { actor: operator, orgId: org.id, ip: null }), true);
  assert.equal(await row(t.token), undefined, 'admin reset');

  t = await trust(user);
  assert.equal(await writeTransaction((tx) => endTrustedBrowsers(tx, user.id)), 1);
  assert.ok(await row(othersTrust.token), 'nobody else’s');
});

test('the list shows the user’s live trusted browsers; only the owner removes one, audited', async () => {
  const org = await freshOrg();
  const user = await freshUser(org);
  const other = await freshUser(org);
  const now = Date.now();
  const live = await trust(user, now);
  const expired = await trust(user, now - 31 * DAY);
  const listed = await listTrustedBrowsers(user.id, now);
  assert.deepEqual(listed.map((r) => r.id), [tokenDigest(live.token)]);
  assert.equal(listed[0]!.userAgent, origin.userAgent);
  assert.ok(expired.token);
  assert.equal(await removeTrustedBrowser(other.id, org.id, tokenDigest(live.token), null), false, 'not another user');
  assert.ok(await row(live.token));
  assert.equal(await removeTrustedBrowser(user.id, org.id, tokenDigest(live.token), '192.0.2.9'), true);
  assert.equal(await row(live.token), undefined);
  assert.equal(await signIn(user, live.token), null, 'a removed browser is asked again');
  const events = await (await db()).select().from(auditEvents).where(and(eq(auditEvents.targetUserId, user.id), eq(auditEvents.action, 'trusted_browser.removed')));
  assert.equal(events.length, 1);
});

test('widening trust (on, or more days) needs an admin’s step-up, decided under the organization’s lock; narrowing does not', async () => {
  assert.equal(widensTrust({ allowed: false, days: 30 }, { allowed: true, days: 1 }), true);
  assert.equal(widensTrust({ allowed: true, days: 5 }, { allowed: true, days: 6 }), true);
  assert.equal(widensTrust({ allowed: true, days: 5 }, { allowed: true, days: 4 }), false);
  assert.equal(widensTrust({ allowed: true, days: 5 }, { allowed: false, days: 30 }), false);
  const org = await createOrganization({ slug: 'trust-step-up', name: 'Trust step-up', policy: 'optional' }, operator);
  const admin = await createUser({ org: 'trust-step-up', email: 'admin@trust-step-up.example', name: 'Admin', role: 'admin', method: 'password', password: 'password-1' }, operator);
  const sessionId = await writeTransaction((tx) => createSession(tx, admin.id, 'password', null));
  const actor = { kind: 'user' as const, userId: admin.id, sessionId };
  assert.deepEqual(await setTrustSetting(org.id, { allowed: true, days: 10 }, actor), { changed: true, ended: 0 }, 'fewer days: no step-up');
  assert.deepEqual(await setTrustSetting(org.id, { allowed: true, days: 20 }, actor), { needsStepUp: true });
  assert.deepEqual(await trustSetting(org.id), { allowed: true, days: 10 }, 'nothing changed');
  assert.deepEqual(await setTrustSetting(org.id, { allowed: true, days: 20 }, actor, null, Date.now(), true), { changed: true, ended: 0 });
});

test('trusting a browser sweeps anyone’s expired trusts; live ones stay', async () => {
  const org = await freshOrg();
  const user = await freshUser(org);
  const other = await freshUser(org);
  const now = Date.now();
  const stored = (id: string, expiresAt: number) => ({ id, userId: other.id, credentialsVersion: 0, createdAt: expiresAt - DAY, expiresAt });
  await writeTransaction((tx) => tx.insert(trustedBrowsers).values([stored('sweep-expired', now), stored('sweep-live', now + 1)]));
  const { token } = await trust(user, now);
  const left = (await (await db()).select({ id: trustedBrowsers.id }).from(trustedBrowsers).where(like(trustedBrowsers.id, 'sweep-%'))).map((r) => r.id);
  assert.deepEqual(left, ['sweep-live'], 'expired at this moment: gone (liveTrust refuses it from then on)');
  assert.ok(await row(token));
});
