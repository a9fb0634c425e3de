import { test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { db, writeTransaction } from '@/db';
import { auditEvents, sessions, trustedBrowsers, users } from '@/db/schema';
import { createOrganization } from '@/lib/accounts/organizations';
import { createUser } from '@/lib/accounts/users';
import { config } from '@/lib/config';
import { createChallenge, markChallengeReady, redeemReadyChallenge } from './challenge';
import { endOwnSession, endSessions, listSessions, signOutEverywhere } from './devices';
import { createSession, loadSession, revokeSession } from './session';
import { tokenDigest } from './tokens';
import { trustBrowser } from './trusted-browsers';

process.env.DESKGATE_LOG = 'off';
const operator = { kind: 'operator' } as const;
await createOrganization({ slug: 'devices', name: 'Devices', policy: 'optional' }, operator);
await createOrganization({ slug: 'elsewhere', name: 'Elsewhere', policy: 'optional' }, operator);
const member = await createUser({ org: 'devices', email: 'm@devices.example', name: 'Member', role: 'member', method: 'password', password: 'password-1' }, operator);
const other = await createUser({ org: 'devices', email: 'o@devices.example', name: 'Other', role: 'member', method: 'password', password: 'password-1' }, operator);
const admin = await createUser({ org: 'devices', email: 'a@devices.example', name: 'Admin', role: 'admin', method: 'password', password: 'password-1' }, operator);
const foreignAdmin = await createUser({ org: 'elsewhere', email: 'a@elsewhere.example', name: 'Foreign', role: 'admin', method: 'password', password: 'password-1' }, operator);

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const device = { userAgent: CHROME, clientAddress: '192.0.2.7' };
const sessionOf = (userId: number) => writeTransaction((tx) => createSession(tx, userId, 'password', null, { device }));
const setTimes = (id: string, times: { createdAt?: number; lastSeenAt?: number }) => writeTransaction((tx) => tx.update(sessions).set(times).where(eq(sessions.id, tokenDigest(id))));
const rowOf = async (id: string) => (await (await db()).select().from(sessions).where(eq(sessions.id, tokenDigest(id))))[0]!;
const events = async (action: string, userId: number) => (await db()).select({ actor: auditEvents.actorKind, actorUserId: auditEvents.actorUserId, detail: auditEvents.detail }).from(auditEvents).where(and(eq(auditEvents.action, action), eq(auditEvents.targetUserId, userId)));
const version = async (userId: number) => (await (await db()).select({ v: users.credentialsVersion }).from(users).where(eq(users.id, userId)))[0]!.v;
const endAll = (userId: number) => writeTransaction((tx) => endSessions(tx, userId, { actor: operator, orgId: member.orgId, ip: null }));

test('a session made from a challenge records the second factor passed, the browser and the address', async () => {
  const verify = await createChallenge(member.id, 'verify', '/', await version(member.id));
  const ready = (await writeTransaction((tx) => markChallengeReady(tx, verify, Date.now(), 'recovery_code')))!;
  const sessionId = (await redeemReadyChallenge(ready, { userAgent: CHROME, clientAddress: '198.51.100.4' }))!;
  const row = await rowOf(sessionId);
  assert.deepEqual({ secondFactor: row.secondFactor, userAgent: row.userAgent, clientAddress: row.clientAddress }, { secondFactor: 'recovery_code', userAgent: CHROME, clientAddress: '198.51.100.4' });
  // A sign-in without a second step records none.
  const plain = await redeemReadyChallenge(await createChallenge(member.id, 'ready', '/', await version(member.id)), device);
  assert.equal((await rowOf(plain!)).secondFactor, null);
  await endAll(member.id);
});

test('the list holds the user’s live sessions only, the most recently active first, this browser marked', async () => {
  const { sessionIdleMs, sessionMaxMs } = config();
  const now = Date.now();
  const older = await sessionOf(member.id);
  const current = await sessionOf(member.id);
  const idle = await sessionOf(member.id);
  const tooOld = await sessionOf(member.id);
  const revoked = await sessionOf(member.id);
  await sessionOf(other.id);
  await setTimes(older, { lastSeenAt: now - 60_000 });
  await setTimes(idle, { lastSeenAt: now - sessionIdleMs - 1 });
  await setTimes(tooOld, { createdAt: now - sessionMaxMs - 1 });
  await revokeSession(revoked);
  const listed = await listSessions(member.id, current, now);
  assert.deepEqual(listed.map((s) => s.id), [tokenDigest(current), tokenDigest(older)]);
  assert.deepEqual(listed.map((s) => s.current), [true, false]);
  assert.equal(listed[0]!.userAgent, CHROME);
  assert.equal(listed[0]!.clientAddress, '192.0.2.7');
  await endAll(member.id);
  await endAll(other.id);
});

test('a user ends one of their own sessions by its key, audited; another user’s key ends nothing', async () => {
  const mine = await sessionOf(member.id);
  const current = await sessionOf(member.id);
  const theirs = await sessionOf(other.id);
  const ctx = { orgId: member.orgId, currentSessionId: current, ip: '192.0.2.1' };
  assert.equal(await endOwnSession(member.id, tokenDigest(theirs), ctx), null, 'a forged key of another user');
  assert.ok(await loadSession(theirs), 'their session lives on');
  assert.deepEqual(await events('session.revoked', other.id), []);
  const ended = await endOwnSession(member.id, tokenDigest(mine), ctx);
  assert.equal(ended?.current, false);
  assert.equal(await loadSession(mine), null);
  assert.ok(await loadSession(current), 'the others stay');
  assert.equal(await endOwnSession(member.id, tokenDigest(mine), ctx), null, 'once');
  const [event] = await events('session.revoked', member.id);
  assert.equal(event?.actorUserId, member.id);
  assert.deepEqual({ ...JSON.parse(event!.detail!), signedInAt: undefined }, { device: 'Chrome 131 on Linux', clientAddress: '192.0.2.7', current: false, signedInAt: undefined });
  await endAll(member.id);
  await endAll(other.id);
});

test('endSessions ends all of a user’s sessions but the one kept, counts the live ones and audits the right event', async () => {
  const kept = await sessionOf(member.id);
  const a = await sessionOf(member.id);
  const b = await sessionOf(member.id);
  const stale = await sessionOf(member.id);
  await setTimes(stale, { lastSeenAt: Date.now() - config().sessionIdleMs - 1 });
  const theirs = await sessionOf(other.id);
  const actor = { kind: 'user' as const, userId: member.id, sessionId: kept };
  assert.equal(await writeTransaction((tx) => endSessions(tx, member.id, { except: kept, actor, orgId: member.orgId, ip: null })), 2);
  assert.ok(await loadSession(kept));
  assert.equal(await loadSession(a), null);
  assert.equal(await loadSession(b), null);
  assert.ok(await loadSession(theirs), 'nobody else’s');
  assert.deepEqual((await events('sessions.revoked_others', member.id)).map((e) => [e.actorUserId, e.detail]), [[member.id, '{"count":2}']]);
  assert.equal(await endAll(member.id), 1);
  assert.equal(await loadSession(kept), null);
  // (Earlier tests tidied up with endAll too: the last event is this one.)
  assert.deepEqual((await events('sessions.revoked_all', member.id)).map((e) => [e.actor, e.detail]).at(-1), ['operator', '{"count":1}']);
  await endAll(other.id);
});

test('an admin signs a user of their organization out everywhere; not another organization’s, not once their own session ended', async () => {
  const target = await sessionOf(member.id);
  const foreignSession = await sessionOf(foreignAdmin.id);
  const foreign = { kind: 'user' as const, userId: foreignAdmin.id, sessionId: foreignSession };
  assert.deepEqual(await signOutEverywhere(member.id, { actor: foreign, orgId: foreignAdmin.orgId, ip: null }), { refused: 'not_found' });
  const adminSession = await sessionOf(admin.id);
  await revokeSession(adminSession);
  assert.deepEqual(await signOutEverywhere(member.id, { actor: { kind: 'user', userId: admin.id, sessionId: adminSession }, orgId: admin.orgId, ip: null }), { refused: 'no_longer_admin' });
  assert.ok(await loadSession(target), 'nothing ended by the refusals');
  const live = await sessionOf(admin.id);
  assert.deepEqual(await signOutEverywhere(member.id, { actor: { kind: 'user', userId: admin.id, sessionId: live }, orgId: admin.orgId, ip: '192.0.2.2' }), { ended: 1 });
  assert.equal(await loadSession(target), null);
  assert.deepEqual((await events('sessions.revoked_all', member.id)).at(-1), { actor: 'user', actorUserId: admin.id, detail: '{"count":1}' });
  // Their own row too: the admin's session ends with it.
  assert.deepEqual(await signOutEverywhere(admin.id, { actor: { kind: 'user', userId: admin.id, sessionId: live }, orgId: admin.orgId, ip: null }), { ended: 1 });
  assert.equal(await loadSession(live), null);
});

test('ending sessions ends trusted browsers too: "everywhere else" keeps only this browser’s trust, "everywhere" keeps none', async () => {
  const trusted = async () => {
    const [row] = await (await db()).select({ v: users.credentialsVersion }).from(users).where(eq(users.id, other.id));
    const made = await writeTransaction((tx) => trustBrowser(tx, { id: other.id, orgId: other.orgId, credentialsVersion: row!.v }, { userAgent: CHROME, clientAddress: null, ip: null }));
    return tokenDigest(made!.token);
  };
  const rows = async () => (await (await db()).select({ id: trustedBrowsers.id }).from(trustedBrowsers).where(eq(trustedBrowsers.userId, other.id))).map((r) => r.id).sort();
  const here = await trusted();
  await trusted();
  const kept = await sessionOf(other.id);
  const actor = { kind: 'user' as const, userId: other.id, sessionId: kept };
  await writeTransaction((tx) => endSessions(tx, other.id, { except: kept, keepTrusted: here, actor, orgId: other.orgId, ip: null }));
  assert.deepEqual(await rows(), [here]);
  await endAll(other.id);
  assert.deepEqual(await rows(), []);
});
