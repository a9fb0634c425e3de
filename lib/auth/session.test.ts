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
createOrganization({ slug: 'unit', name: 'Unit', policy: 'optional' }, operator);
const user = await createUser({ org: 'unit', email: 'u@unit.example', name: 'U', role: 'member', method: 'password', password: 'password-1' }, operator);

const version = () => db().select({ v: users.credentialsVersion }).from(users).where(eq(users.id, user.id)).get()!.v;

test('a fresh session loads with its user and organization; the row keeps only a digest', () => {
  const id = createSession(db(), user.id, 'password', null);
  const current = loadSession(id);
  assert.equal(current?.user.email, 'u@unit.example');
  assert.equal(current?.org.slug, 'unit');
  assert.equal(db().select().from(sessions).where(eq(sessions.id, id)).get(), undefined);
  assert.ok(db().select().from(sessions).where(eq(sessions.id, tokenDigest(id))).get());
});

test('idle and absolute limits end a session', () => {
  const id = createSession(db(), user.id, 'password', null);
  const { sessionIdleMs, sessionMaxMs } = config();
  assert.equal(loadSession(id, Date.now() + sessionIdleMs + 1), null, 'idle');
  const start = Date.now();
  const active = createSession(db(), user.id, 'password', null);
  // Used every half idle period: never idle, yet the absolute limit still ends it.
  for (let t = start + sessionIdleMs / 2; t < start + sessionMaxMs - 1000; t += sessionIdleMs / 2) {
    assert.ok(loadSession(active, t), `still alive while active at +${t - start} ms`);
  }
  assert.equal(loadSession(active, start + sessionMaxMs + 1000), null, 'absolute');
});

test('revoking one session or all of a user’s', () => {
  const a = createSession(db(), user.id, 'password', null);
  const b = createSession(db(), user.id, 'password', null);
  const c = createSession(db(), user.id, 'password', null);
  revokeSession(a);
  assert.equal(loadSession(a), null);
  revokeUserSessions(db(), user.id, b);
  assert.ok(loadSession(b), 'the excepted session survives');
  assert.equal(loadSession(c), null);
});

test('only a ready challenge becomes a session, and only once', () => {
  const verify = createChallenge(user.id, 'verify', '/', version());
  assert.equal(redeemReadyChallenge(verify), null, 'a verify challenge is not a sign-in');
  const ready = createChallenge(user.id, 'ready', '/', version());
  const sid = redeemReadyChallenge(ready);
  assert.ok(sid && loadSession(sid));
  assert.equal(redeemReadyChallenge(ready), null, 'single use');
  for (const junk of [undefined, '', 'x'.repeat(500), 42, { token: ready }]) assert.equal(redeemReadyChallenge(junk), null);
});

test('a verified challenge changes its token: the cookie copied at the password step redeems nothing', () => {
  const copied = createChallenge(user.id, 'verify', '/', version());
  const ready = writeTransaction((tx) => markChallengeReady(tx, copied, Date.now()));
  assert.ok(ready && ready !== copied);
  assert.equal(redeemReadyChallenge(copied), null, 'the old token names no row');
  assert.equal(findChallenge(copied), null);
  assert.equal(writeTransaction((tx) => markChallengeReady(tx, copied, Date.now())), null, 'nor can it be marked ready again');
  assert.ok(redeemReadyChallenge(ready), 'the new token, held only by the request that verified, signs in');
});

test('a session is refused when the credentials changed after the password step', async () => {
  const changes: [string, () => unknown][] = [
    ['password change', () => changePassword(user.id, 'a-new-password-2', { orgId: user.orgId, ip: null, sessionId: createSession(db(), user.id, 'password', null) })],
    ['requirement change', () => setUserTwoFactorRequired(user.id, true, operator)],
    ['policy change', () => setOrganizationPolicy(user.orgId, 'required', operator)],
    ['admin reset', () => resetTwoFactor(user.id, { actor: operator, orgId: user.orgId, ip: null })],
  ];
  for (const [name, change] of changes) {
    const ready = createChallenge(user.id, 'ready', '/', version());
    await change();
    assert.equal(redeemReadyChallenge(ready), null, `no session after a ${name}`);
  }
  assert.ok(redeemReadyChallenge(createChallenge(user.id, 'ready', '/', version())), 'an unchanged version still signs in');
});
