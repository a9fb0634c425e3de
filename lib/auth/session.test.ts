import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { db, writeTransaction } from '@/db';
import { sessions, users } from '@/db/schema';
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
  assert.ok(await redeemReadyChallenge(await createChallenge(user.id, 'ready', '/', await version())), 'an unchanged version still signs in');
});
