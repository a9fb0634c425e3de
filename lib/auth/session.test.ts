import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eq, like } from 'drizzle-orm';
import { db, writeTransaction } from '@/db';
import { loginChallenges, sessions, users } from '@/db/schema';
import { setGraceDays } from '@/lib/accounts/grace-setting';
import { createOrganization, setOrganizationPolicy } from '@/lib/accounts/organizations';
import { changePassword, createUser, setUserTwoFactorRequired } from '@/lib/accounts/users';
import { config } from '@/lib/config';
import { createChallenge, findChallenge, markChallengeReady, redeemReadyChallenge } from './challenge';
import { resetTwoFactor } from './two-factor-changes';
import { createSession, loadSession, revokeSession, revokeUserSessions } from './session';
import { tokenDigest } from './tokens';

process.env.DESKGATE_LOG = 'off';
const operator = { kind: 'operator' } as const;
await createOrganization({ slug: 'unit', name: 'Unit', policy: 'optional' }, operator);
const user = await createUser({ org: 'unit', email: 'u@unit.example', name: 'U', role: 'member', method: 'password', password: 'password-1' }, operator);

const version = async () => (await (await db()).select({ v: users.credentialsVersion }).from(users).where(eq(users.id, user.id)))[0]!.v;
const newSession = () => writeTransaction((tx) => createSession(tx, user.id, 'password', null));
const sessionRows = async (id: string) => (await db()).select().from(sessions).where(eq(sessions.id, id));

test('a fresh session loads with its user and organization; the row keeps only a digest', async () => {
  const id = await newSession();
  const current = await loadSession(id);
  assert.equal(current?.user.email, 'u@unit.example');
  assert.equal(current?.org.slug, 'unit');
  assert.deepEqual(await sessionRows(id), []);
  assert.equal((await sessionRows(tokenDigest(id))).length, 1);
});

test('idle and absolute limits end a session', async () => {
  const id = await newSession();
  const { sessionIdleMs, sessionMaxMs } = config();
  assert.equal(await loadSession(id, Date.now() + sessionIdleMs + 1), null, 'idle');
  const start = Date.now();
  const active = await newSession();
  // Used every half idle period: never idle, yet the absolute limit still ends it.
  for (let t = start + sessionIdleMs / 2; t < start + sessionMaxMs - 1000; t += sessionIdleMs / 2) {
    assert.ok(await loadSession(active, t), `still alive while active at +${t - start} ms`);
  }
  assert.equal(await loadSession(active, start + sessionMaxMs + 1000), null, 'absolute');
});

test('revoking one session or all of a user’s', async () => {
  const a = await newSession();
  const b = await newSession();
  const c = await newSession();
  await revokeSession(a);
  assert.equal(await loadSession(a), null);
  await writeTransaction((tx) => revokeUserSessions(tx, user.id, b));
  assert.ok(await loadSession(b), 'the excepted session survives');
  assert.equal(await loadSession(c), null);
});

test('only a ready challenge becomes a session, and only once', async () => {
  const verify = await createChallenge(user.id, 'verify', '/', await version());
  assert.equal(await redeemReadyChallenge(verify), null, 'a verify challenge is not a sign-in');
  const ready = await createChallenge(user.id, 'ready', '/', await version());
  const sid = await redeemReadyChallenge(ready);
  assert.ok(sid && (await loadSession(sid)));
  assert.equal(await redeemReadyChallenge(ready), null, 'single use');
  for (const junk of [undefined, '', 'x'.repeat(500), 42, { token: ready }]) assert.equal(await redeemReadyChallenge(junk), null);
});

test('a verified challenge changes its token: the cookie copied at the password step redeems nothing', async () => {
  const copied = await createChallenge(user.id, 'verify', '/', await version());
  const ready = await writeTransaction((tx) => markChallengeReady(tx, copied, Date.now(), 'totp'));
  assert.ok(ready && ready !== copied);
  assert.equal(await redeemReadyChallenge(copied), null, 'the old token names no row');
  assert.equal(await findChallenge(copied), null);
  assert.equal(await writeTransaction((tx) => markChallengeReady(tx, copied, Date.now(), 'totp')), null, 'nor can it be marked ready again');
  assert.ok(await redeemReadyChallenge(ready), 'the new token, held only by the request that verified, signs in');
});

test('a session is refused when the credentials changed after the password step', async () => {
  const changes: [string, () => Promise<unknown>][] = [
    ['password change', async () => changePassword(user.id, 'a-new-password-2', { orgId: user.orgId, ip: null, sessionId: await newSession() })],
    ['requirement change', () => setUserTwoFactorRequired(user.id, true, operator)],
    ['policy change', () => setOrganizationPolicy(user.orgId, 'required', operator)],
    ['admin reset', () => resetTwoFactor(user.id, { actor: operator, orgId: user.orgId, ip: null })],
  ];
  for (const [name, change] of changes) {
    const ready = await createChallenge(user.id, 'ready', '/', await version());
    await change();
    assert.equal(await redeemReadyChallenge(ready), null, `no session after a ${name}`);
  }
  // The user now owes 2FA (required, reset): without a second factor only a grace period admits them (#17).
  assert.equal(await redeemReadyChallenge(await createChallenge(user.id, 'ready', '/', await version())), null, 'no session without 2FA when it is due');
  await setGraceDays(user.orgId, 3, operator);
  assert.ok(await redeemReadyChallenge(await createChallenge(user.id, 'ready', '/', await version())), 'an unchanged version still signs in');
});

test('a new session sweeps those begun a lifetime and a day ago, 50 at a time and oldest first; the others stay', async () => {
  // A lifetime and a day (written out: the test must fail if the margin shrinks).
  const cutoff = Date.now() - config().sessionMaxMs - 86_400_000;
  const row = (id: string, createdAt: number, lastSeenAt: number, revokedAt: number | null = null) => ({ id, userId: user.id, method: 'password' as const, createdAt, lastSeenAt, revokedAt });
  // Begun before the cutoff: swept however recently used (the start decides, never the last use).
  const old = Array.from({ length: 55 }, (_, i) => row(`sweep-old-${String(i).padStart(2, '0')}`, cutoff - 60_000 * (55 - i), Date.now()));
  // Begun 5 seconds after the cutoff, however long unused or revoked: kept until their turn.
  const kept = [row('sweep-young-idle', cutoff + 5000, cutoff + 5000), row('sweep-young-revoked', cutoff + 5000, cutoff + 5000, cutoff + 5000), row('sweep-live', Date.now(), Date.now())];
  await writeTransaction((tx) => tx.insert(sessions).values([...old, ...kept]));
  const left = async () => (await (await db()).select({ id: sessions.id }).from(sessions).where(like(sessions.id, 'sweep-%'))).map((r) => r.id).sort();
  await newSession();
  assert.deepEqual(await left(), [...old.slice(50), ...kept].map((r) => r.id).sort(), 'the 50 begun first went');
  await newSession();
  assert.deepEqual(await left(), kept.map((r) => r.id).sort());
});

test('a new challenge sweeps expired ones (sign-ins left unfinished); live ones stay', async () => {
  const now = Date.now();
  const row = (id: string, expiresAt: number) => ({ id, userId: user.id, purpose: 'verify' as const, createdAt: expiresAt - 60_000, expiresAt });
  await writeTransaction((tx) => tx.insert(loginChallenges).values([row('sweep-expired', now - 1), row('sweep-live', now + 60_000)]));
  const token = await createChallenge(user.id, 'verify', '/', await version());
  const left = (await (await db()).select({ id: loginChallenges.id }).from(loginChallenges).where(like(loginChallenges.id, 'sweep-%'))).map((r) => r.id);
  assert.deepEqual(left, ['sweep-live']);
  assert.ok(await findChallenge(token), 'and the new one is there');
});
