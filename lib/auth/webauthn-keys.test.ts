import { test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { db } from '@/db';
import { auditEvents, webauthnChallenges } from '@/db/schema';
import { createOrganization } from '@/lib/accounts/organizations';
import { createUser } from '@/lib/accounts/users';
import { SoftwareAuthenticator } from '@/lib/testing/software-authenticator';
import { consumeChallenge, issueChallenge, WEBAUTHN_CHALLENGE_MS } from './webauthn-challenges';
import { authenticationOptions, listKeys, registrationOptions, relyingParty, removeKey, renameKey, verifyAuthentication, verifyRegistration } from './webauthn';
import { tokenDigest } from './tokens';
import { beginAssertion } from './webauthn-authentication';

process.env.DESKGATE_LOG = 'off';
const operator = { kind: 'operator' } as const;
await createOrganization({ slug: 'keys', name: 'Keys', policy: 'optional' }, operator);
let n = 0;
const here = () => ({ origin: relyingParty().origin, rpId: relyingParty().id });

async function withKey() {
  n += 1;
  const user = await createUser({ org: 'keys', email: `k${n}@keys.example`, name: `K${n}`, role: 'member', method: 'password', password: 'password-1' }, operator);
  const authenticator = new SoftwareAuthenticator();
  const binding = { sessionId: `session-${n}` };
  assert.equal((await verifyRegistration(user, binding, authenticator.register(await registrationOptions(user, binding), here()), 'Key')).ok, true);
  return { user, authenticator, ctx: { actor: { kind: 'user' as const, userId: user.id }, ip: '192.0.2.1' } };
}
const audited = async (userId: number, action: string) =>
  (await (await db()).select({ id: auditEvents.id }).from(auditEvents).where(and(eq(auditEvents.targetUserId, userId), eq(auditEvents.action, action)))).length;

test('a key is renamed and removed by its owner only; another user’s key id changes nothing', async () => {
  const owner = await withKey();
  const other = await withKey();
  const id = owner.authenticator.id;
  assert.deepEqual(await renameKey(other.user.id, id, 'Hijacked', other.ctx), { ok: false, reason: 'not_found' });
  assert.equal(await removeKey(other.user.id, id, other.ctx), false);
  assert.equal((await listKeys(owner.user.id))[0]!.name, 'Key');
  assert.equal(await audited(other.user.id, 'webauthn.key_renamed') + (await audited(other.user.id, 'webauthn.key_removed')), 0);

  assert.equal((await renameKey(owner.user.id, id, 'x'.repeat(65), owner.ctx)).ok, false);
  assert.deepEqual(await renameKey(owner.user.id, id, '  Yubikey 5  ', owner.ctx), { ok: true });
  assert.equal((await listKeys(owner.user.id))[0]!.name, 'Yubikey 5');
  assert.equal(await audited(owner.user.id, 'webauthn.key_renamed'), 1);

  assert.equal(await removeKey(owner.user.id, id, owner.ctx), true);
  assert.deepEqual(await listKeys(owner.user.id), []);
  assert.equal(await audited(owner.user.id, 'webauthn.key_removed'), 1);
  assert.equal((await listKeys(other.user.id)).length, 1);
  assert.equal(await authenticationOptions({ challengeToken: 'c' }, owner.user.id), null, 'a removed key is no longer offered');
});

test('a removed key no longer signs in', async () => {
  const { user, authenticator, ctx } = await withKey();
  const binding = { challengeToken: `challenge-${++n}` };
  const options = await authenticationOptions(binding, user.id);
  await removeKey(user.id, authenticator.id, ctx);
  assert.deepEqual(await verifyAuthentication(binding, authenticator.authenticate(options!, here()), { userId: user.id, requireUserVerification: false }), { ok: false, reason: 'unknown_key' });
});

test('a key removed after its assertion was looked up (the second step begins the check before counting) is unknown, not a counter regression', async () => {
  const { user, authenticator, ctx } = await withKey();
  const binding = { challengeToken: `challenge-${++n}` };
  const response = authenticator.authenticate((await authenticationOptions(binding, user.id))!, here());
  const begun = beginAssertion(response, user.id);
  assert.equal((await begun).ok, true);
  await removeKey(user.id, authenticator.id, ctx);
  assert.deepEqual(await verifyAuthentication(binding, response, { userId: user.id, requireUserVerification: false, begun }), { ok: false, reason: 'unknown_key' });
  assert.equal(await audited(user.id, 'webauthn.counter_regression'), 0, 'nothing audited as a cloned key');
});

test('a challenge expires after 5 minutes, and expired ones are purged as new ones are made', async () => {
  const owner = { purpose: 'second_factor' as const, binding: { challengeToken: 't' }, userId: null };
  const then = Date.now() - WEBAUTHN_CHALLENGE_MS;
  const stale = await issueChallenge(owner, then - 1);
  const fresh = await issueChallenge(owner, then + 1000);
  assert.equal(await consumeChallenge(stale, owner), null);
  await issueChallenge(owner);
  const left = await (await db()).select({ id: webauthnChallenges.id }).from(webauthnChallenges).where(eq(webauthnChallenges.id, tokenDigest(stale)));
  assert.deepEqual(left, [], 'purged');
  assert.deepEqual(await consumeChallenge(fresh, owner), { handle: null }, 'one second left');
});

test('input that is not what a browser sends is refused as such, never thrown', async () => {
  const { user, authenticator } = await withKey();
  const binding = { challengeToken: `challenge-${++n}` };
  const valid = authenticator.authenticate((await authenticationOptions(binding, user.id))!, here());
  const bad: unknown[] = [
    null,
    'string',
    [],
    {},
    { ...valid, id: 'not base64url!' },
    { ...valid, rawId: 'AAAA' },
    { ...valid, type: 'password' },
    { ...valid, response: { ...valid.response, signature: 'x'.repeat(5000) } },
    { ...valid, response: { ...valid.response, clientDataJSON: Buffer.from('not json').toString('base64url') } },
    { ...valid, response: { ...valid.response, clientDataJSON: Buffer.from('{"challenge":{"$ne":1}}').toString('base64url') } },
  ];
  const asSecondFactor = { userId: user.id, requireUserVerification: false };
  for (const response of bad) {
    assert.deepEqual(await verifyAuthentication(binding, response, asSecondFactor), { ok: false, reason: 'invalid_input' }, JSON.stringify(response));
    assert.deepEqual(await verifyRegistration(user, { sessionId: 's' }, response, 'Key'), { ok: false, reason: 'invalid_input' });
  }
  // Well-formed enough to name the challenge, but SimpleWebAuthn cannot parse it: refused, and the challenge is used up.
  const garbled = { ...valid, response: { ...valid.response, authenticatorData: 'AA' } };
  assert.deepEqual(await verifyAuthentication(binding, garbled, asSecondFactor), { ok: false, reason: 'not_verified' });
  assert.deepEqual(await verifyAuthentication(binding, valid, asSecondFactor), { ok: false, reason: 'expired' });
});
