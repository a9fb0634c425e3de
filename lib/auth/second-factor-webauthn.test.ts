import { test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq, isNull } from 'drizzle-orm';
import { db, writeTransaction } from '@/db';
import { auditEvents, recoveryCodes, throttleHits, throttleLocks, users, webauthnChallenges, webauthnCredentials } from '@/db/schema';
import { createOrganization } from '@/lib/accounts/organizations';
import { createUser } from '@/lib/accounts/users';
import { config } from '@/lib/config';
import { SoftwareAuthenticator } from '@/lib/testing/software-authenticator';
import { replaceRecoveryCodes } from './enrollment';
import { secondFactorsOf, verifySecondFactor } from './second-factor';
import { authenticationOptions, registrationOptions, relyingParty, verifyRegistration } from './webauthn';

process.env.DESKGATE_LOG = 'off';
const operator = { kind: 'operator' } as const;
await createOrganization({ slug: 'sfk', name: 'SFK', policy: 'optional' }, operator);
let n = 0;
const here = () => ({ origin: relyingParty().origin, rpId: relyingParty().id });

/** A user whose only second factor is a key (no app), with recovery codes. */
async function keysOnly(authenticator = new SoftwareAuthenticator()) {
  n += 1;
  const user = await createUser({ org: 'sfk', email: `k${n}@sfk.example`, name: `K${n}`, role: 'member', method: 'password', password: 'password-1' }, operator);
  const binding = { sessionId: `session-${n}` };
  assert.equal((await verifyRegistration(user, binding, authenticator.register(await registrationOptions(user, binding), here()), 'Key')).ok, true);
  const codes = await writeTransaction((tx) => replaceRecoveryCodes(tx, user.id));
  return { user, authenticator, codes };
}

async function assertion(userId: number, authenticator: SoftwareAuthenticator, place = here()) {
  const binding = { challengeToken: `challenge-${++n}` };
  const options = await authenticationOptions(binding, userId);
  assert.ok(options);
  return { binding, response: authenticator.authenticate(options, place) };
}

const failures = async (userId: number) => (await (await db()).select({ n: users.secondFactorFailures }).from(users).where(eq(users.id, userId)))[0]!.n;
const signCount = async (credentialId: string) => (await (await db()).select({ n: webauthnCredentials.signCount }).from(webauthnCredentials).where(eq(webauthnCredentials.credentialId, credentialId)))[0]!.n;
const openChallenges = async (userId: number) => (await (await db()).select().from(webauthnChallenges).where(eq(webauthnChallenges.userId, userId))).length;

test('a key’s assertion is a second factor: accepted as `webauthn`, its challenge used up, a reuse refused and counted', async () => {
  const { user, authenticator } = await keysOnly();
  assert.deepEqual(await secondFactorsOf(user.id), { app: false, keys: 1 });
  const { binding, response } = await assertion(user.id, authenticator);
  let inside = '';
  const accepted = await verifySecondFactor(user.id, { assertion: { binding, response } }, Date.now(), async (_tx, factor) => {
    inside = factor.kind;
    return true;
  });
  assert.deepEqual(accepted, { ok: true, kind: 'webauthn', credentialId: authenticator.id, codesLeft: 10 }, 'names the key that was used');
  assert.equal(inside, 'webauthn', 'what the factor was used for runs in its transaction');
  assert.equal(await failures(user.id), 0);
  assert.deepEqual(await verifySecondFactor(user.id, { assertion: { binding, response } }), { ok: false }, 'replayed');
  assert.equal(await failures(user.id), 1, 'the replay counted as a failure');
});

test('a keys-only user (no app secret) signs in with a recovery code; an app code is refused for them', async () => {
  const { user, codes } = await keysOnly();
  assert.deepEqual(await verifySecondFactor(user.id, { code: '123456' }), { ok: false });
  assert.deepEqual(await verifySecondFactor(user.id, { recoveryCode: codes[0]! }), { ok: true, kind: 'recovery', codesLeft: 9 });
  const unused = await (await db()).select().from(recoveryCodes).where(and(eq(recoveryCodes.userId, user.id), isNull(recoveryCodes.usedAt)));
  assert.equal(unused.length, 9);
});

test('another user’s challenge, a wrong origin or RP ID, and a withdrawn follow-up change nothing but the counts', async () => {
  const { user, authenticator } = await keysOnly();
  const { user: other, authenticator: otherKey } = await keysOnly();
  const theirs = await assertion(other.id, otherKey);
  assert.deepEqual(await verifySecondFactor(user.id, { assertion: theirs }), { ok: false }, 'an assertion for another user’s challenge');
  for (const place of [{ ...here(), origin: 'https://evil.example' }, { ...here(), rpId: 'evil.example' }]) {
    const before = await signCount(authenticator.id);
    assert.deepEqual(await verifySecondFactor(user.id, { assertion: await assertion(user.id, authenticator, place) }), { ok: false });
    assert.equal(await signCount(authenticator.id), before, 'the counter did not move');
  }
  assert.equal(await failures(user.id), 3);
  const mine = await assertion(user.id, authenticator);
  const before = await signCount(authenticator.id);
  assert.deepEqual(await verifySecondFactor(user.id, { assertion: mine }, Date.now(), async () => false), { ok: false, withdrawn: true });
  assert.equal(await signCount(authenticator.id), before, 'withdrawn: the key’s use rolled back with the rest');
  assert.equal(await failures(user.id), 3, 'withdrawn: its count rolled back with the rest (it was a valid assertion, no failure)');
});

test('a key’s attempt by a user with a clean record is counted after its check: a failure counts once, for the cap and the window; a success writes no count', async () => {
  const { user, authenticator } = await keysOnly();
  const hits = async () => (await (await db()).select().from(throttleHits).where(eq(throttleHits.key, `2fa:user:${user.id}`))).length;
  assert.equal((await verifySecondFactor(user.id, { assertion: await assertion(user.id, authenticator) })).ok, true);
  assert.deepEqual([await failures(user.id), await hits()], [0, 0], 'a success with nothing on record writes no count');
  // A key the user never added: refused after its check.
  assert.deepEqual(await verifySecondFactor(user.id, { assertion: await assertion(user.id, new SoftwareAuthenticator()) }), { ok: false });
  assert.deepEqual([await failures(user.id), await hits()], [1, 1], 'the failure is counted once, after its check');
  // With a failure on record the next attempt is counted before its check, as a code's: a second failure counts once more.
  assert.deepEqual(await verifySecondFactor(user.id, { assertion: await assertion(user.id, new SoftwareAuthenticator()) }), { ok: false });
  assert.deepEqual([await failures(user.id), await hits()], [2, 2]);
  // A success clears both.
  assert.equal((await verifySecondFactor(user.id, { assertion: await assertion(user.id, authenticator) })).ok, true);
  assert.deepEqual([await failures(user.id), await hits()], [0, 0]);
  // Hits without failures (the two should never part): a success still clears them.
  await writeTransaction((tx) => tx.insert(throttleHits).values({ key: `2fa:user:${user.id}`, at: Date.now() }));
  assert.equal((await verifySecondFactor(user.id, { assertion: await assertion(user.id, authenticator) })).ok, true);
  assert.deepEqual([await failures(user.id), await hits()], [0, 0]);
});

test('a lock that outlived its failures (a passkey sign-in clears them, not the lock) still refuses a key, unchecked', async () => {
  const { user, authenticator } = await keysOnly();
  const now = Date.now();
  await writeTransaction((tx) => tx.insert(throttleLocks).values({ key: `2fa:user:${user.id}`, until: now + 60_000 }));
  const valid = await assertion(user.id, authenticator);
  const locked = await verifySecondFactor(user.id, { assertion: valid }, now);
  assert.ok(!locked.ok && locked.lockedUntil === now + 60_000, 'locked, unchecked');
  assert.equal(await openChallenges(user.id), 1, 'the key challenge was not even looked at');
  assert.equal(await failures(user.id), 0, 'a refused attempt counts for neither');
});

test('a suspended user’s valid key is refused unchecked, and the suspension stays', async () => {
  const { user, authenticator } = await keysOnly();
  const cap = config().secondFactor.maxFailures;
  await writeTransaction((tx) => tx.update(users).set({ secondFactorFailures: cap }).where(eq(users.id, user.id)));
  assert.deepEqual(await verifySecondFactor(user.id, { assertion: await assertion(user.id, authenticator) }), { ok: false, suspended: true });
  assert.equal(await failures(user.id), cap, 'not reset: only an admin reset lifts it');
  assert.equal(await openChallenges(user.id), 1, 'the key challenge was not even looked at');
});

test('key assertions share the second-factor throttle: the window lock refuses even a valid one, unchecked', async () => {
  const { user, authenticator } = await keysOnly();
  const now = Date.now();
  for (let i = 0; i < config().secondFactor.userFailures; i++) assert.deepEqual(await verifySecondFactor(user.id, { code: '000000' }, now), { ok: false });
  const valid = await assertion(user.id, authenticator);
  const locked = await verifySecondFactor(user.id, { assertion: valid }, now);
  assert.equal(locked.ok, false);
  assert.ok(!locked.ok && locked.lockedUntil, 'locked');
  assert.equal(await openChallenges(user.id), 1, 'the key challenge was not even looked at');
});

test('the same assertion submitted in parallel is accepted once', async () => {
  const { user, authenticator } = await keysOnly();
  const { binding, response } = await assertion(user.id, authenticator);
  const results = await Promise.all(Array.from({ length: 8 }, () => verifySecondFactor(user.id, { assertion: { binding, response } })));
  assert.equal(results.filter((r) => r.ok).length, 1);
});

test('a counter regression is refused as a second factor, and audited', async () => {
  const { user, authenticator } = await keysOnly();
  assert.equal((await verifySecondFactor(user.id, { assertion: await assertion(user.id, authenticator) })).ok, true);
  authenticator.counter = 0;
  assert.deepEqual(await verifySecondFactor(user.id, { assertion: await assertion(user.id, authenticator) }), { ok: false });
  const audited = await (await db()).select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.targetUserId, user.id));
  assert.ok(audited.some((row) => row.action === 'webauthn.counter_regression'), 'audited, with the failure it is');
  assert.equal(await failures(user.id), 1);
});
