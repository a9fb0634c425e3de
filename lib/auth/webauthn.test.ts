import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { db } from '@/db';
import { auditEvents, users, webauthnCredentials } from '@/db/schema';
import { createOrganization } from '@/lib/accounts/organizations';
import { createUser } from '@/lib/accounts/users';
import { readConfig } from '@/lib/config';
import { SoftwareAuthenticator } from '@/lib/testing/software-authenticator';
import { authenticationOptions, listKeys, registrationOptions, relyingParty, verifyAuthentication, verifyRegistration, type WebAuthnBinding } from './webauthn';

process.env.DESKGATE_LOG = 'off';
const operator = { kind: 'operator' } as const;
await createOrganization({ slug: 'wa', name: 'WA', policy: 'optional' }, operator);
let n = 0;
const freshUser = () => {
  n += 1;
  return createUser({ org: 'wa', email: `w${n}@wa.example`, name: `W${n}`, role: 'member', method: 'password', password: 'password-1' }, operator);
};
const here = () => ({ origin: relyingParty().origin, rpId: relyingParty().id });
const session = (): WebAuthnBinding => ({ sessionId: `session-${++n}` });
const signIn = (): WebAuthnBinding => ({ challengeToken: `challenge-${++n}` });
const auditActions = async (userId: number) =>
  (await (await db()).select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.targetUserId, userId)).orderBy(auditEvents.id)).map((r) => r.action);
const storedKey = async (credentialId: string) => (await (await db()).select().from(webauthnCredentials).where(eq(webauthnCredentials.credentialId, credentialId)))[0];

async function withKey(authenticator = new SoftwareAuthenticator()) {
  const user = await freshUser();
  const binding = session();
  const options = await registrationOptions(user, binding);
  const result = await verifyRegistration(user, binding, authenticator.register(options, here()), 'Blue key');
  assert.equal(result.ok && result.credentialId, authenticator.id);
  return { user, authenticator };
}

async function secondFactor(userId: number, authenticator: SoftwareAuthenticator, place = here()) {
  const binding = signIn();
  const options = await authenticationOptions(binding, userId);
  assert.ok(options);
  return { binding, response: authenticator.authenticate(options, place) };
}

const asSecondFactor = (userId: number) => ({ userId, requireUserVerification: false });

test('a key registers with options made for the user, and answers the second step of sign-in', async () => {
  const { user, authenticator } = await withKey();
  const [key] = await listKeys(user.id);
  assert.equal(key!.name, 'Blue key');
  assert.equal(key!.credentialId, authenticator.id);
  assert.equal(key!.lastUsedAt, null);
  const [row] = await (await db()).select({ handle: users.webauthnHandle, email: users.email }).from(users).where(eq(users.id, user.id));
  assert.equal(row!.handle, authenticator.userHandle, 'the handle in the options becomes the user’s');
  assert.notEqual(Buffer.from(row!.handle!, 'base64url').toString(), row!.email);
  assert.ok((await auditActions(user.id)).includes('webauthn.key_added'));
  assert.equal(key!.passkey, false, 'added without user verification: not a passkey');

  // The first key turns 2FA on (audited once); a second one is only a key added.
  const binding2 = session();
  const second = new SoftwareAuthenticator({ userVerification: true });
  assert.equal((await verifyRegistration(user, binding2, second.register(await registrationOptions(user, binding2), here()), 'Phone')).ok, true);
  assert.deepEqual((await auditActions(user.id)).filter((a) => a === '2fa.enabled' || a === 'webauthn.key_added'), ['webauthn.key_added', '2fa.enabled', 'webauthn.key_added']);
  assert.equal((await listKeys(user.id))[1]!.passkey, true, 'added with user verification: a passkey');

  const { binding, response } = await secondFactor(user.id, authenticator);
  assert.deepEqual(await verifyAuthentication(binding, response, asSecondFactor(user.id)), { ok: true, userId: user.id, credentialId: authenticator.id, userVerified: false });
  const stored = await storedKey(authenticator.id);
  assert.equal(stored!.signCount, 2);
  assert.ok(stored!.lastUsedAt);
});

test('registration options exclude the user’s keys and keep the handle; the same key is not registered twice, by anyone', async () => {
  const { user, authenticator } = await withKey();
  const binding = session();
  const options = await registrationOptions(user, binding);
  assert.deepEqual(options.excludeCredentials?.map((c) => c.id), [authenticator.id]);
  assert.equal(options.user.id, authenticator.userHandle);
  assert.equal(options.attestation, 'none');
  assert.deepEqual(await verifyRegistration(user, binding, authenticator.register(options, here()), 'Again'), { ok: false, reason: 'duplicate' });

  const other = await freshUser();
  const otherBinding = session();
  const stolen = authenticator.register(await registrationOptions(other, otherBinding), here());
  assert.deepEqual(await verifyRegistration(other, otherBinding, stolen, 'Mine now'), { ok: false, reason: 'duplicate' });
  assert.equal((await storedKey(authenticator.id))!.userId, user.id);
  assert.deepEqual(await listKeys(other.id), []);
});

test('a registration for a wrong origin or RP ID, or bound to another session, is refused and stores nothing', async () => {
  const user = await freshUser();
  const authenticator = new SoftwareAuthenticator();
  const binding = session();
  const attempts: [WebAuthnBinding, { origin: string; rpId: string }, string][] = [
    [binding, { ...here(), origin: 'https://evil.example' }, 'not_verified'],
    [binding, { ...here(), rpId: 'evil.example' }, 'not_verified'],
    [session(), here(), 'expired'],
  ];
  for (const [answering, place, reason] of attempts) {
    const options = await registrationOptions(user, binding);
    assert.deepEqual(await verifyRegistration(user, answering, authenticator.register(options, place), 'Key'), { ok: false, reason });
  }
  assert.deepEqual(await listKeys(user.id), []);
  const [row] = await (await db()).select({ handle: users.webauthnHandle }).from(users).where(eq(users.id, user.id));
  assert.equal(row!.handle, null, 'the handle is the user’s only once a key is stored');
});

test('a registration challenge is used once, and only by the user and session it was made for', async () => {
  const user = await freshUser();
  const other = await freshUser();
  const binding = session();
  const options = await registrationOptions(user, binding);
  const response = new SoftwareAuthenticator().register(options, here());
  assert.deepEqual(await verifyRegistration(other, binding, response, 'Key'), { ok: false, reason: 'expired' }, 'another user');
  assert.deepEqual(await verifyRegistration(user, { challengeToken: (binding as { sessionId: string }).sessionId }, response, 'Key'), { ok: false, reason: 'expired' }, 'the same value as another kind of binding');
  assert.equal((await verifyRegistration(user, binding, response, 'Key')).ok, true, 'the refused attempts left it to its owner');
  assert.deepEqual(await verifyRegistration(user, binding, response, 'Key'), { ok: false, reason: 'expired' }, 'used');
});

test('a key name must be 1 to 64 plain characters', async () => {
  const user = await freshUser();
  const binding = session();
  for (const name of ['', '   ', 'x'.repeat(65), 'a\u0000b', 'evil\u202Eyek', 42, null]) {
    const options = await registrationOptions(user, binding);
    assert.deepEqual(await verifyRegistration(user, binding, new SoftwareAuthenticator().register(options, here()), name), { ok: false, reason: 'invalid_name' });
  }
  const options = await registrationOptions(user, binding);
  assert.equal((await verifyRegistration(user, binding, new SoftwareAuthenticator().register(options, here()), `  ${'é'.repeat(64)}  `)).ok, true);
});

test('an assertion with a wrong origin, a wrong RP ID or a tampered signature is refused and changes nothing', async () => {
  const { user, authenticator } = await withKey();
  const tamper = (signature: string) => {
    const bytes = Buffer.from(signature, 'base64url');
    bytes[bytes.length - 1]! ^= 0x01;
    return bytes.toString('base64url');
  };
  const wrongOrigin = await secondFactor(user.id, authenticator, { ...here(), origin: 'https://evil.example' });
  const wrongRp = await secondFactor(user.id, authenticator, { ...here(), rpId: 'evil.example' });
  const tampered = await secondFactor(user.id, authenticator);
  tampered.response.response.signature = tamper(tampered.response.response.signature);
  for (const { binding, response } of [wrongOrigin, wrongRp, tampered]) {
    assert.deepEqual(await verifyAuthentication(binding, response, asSecondFactor(user.id)), { ok: false, reason: 'not_verified' });
  }
  const stored = await storedKey(authenticator.id);
  assert.equal(stored!.signCount, 1);
  assert.equal(stored!.lastUsedAt, null);
});

test('an assertion is accepted once: a replay, another sign-in’s binding or another user’s challenge is refused', async () => {
  const { user, authenticator } = await withKey();
  const other = await withKey();
  const { binding, response } = await secondFactor(user.id, authenticator);
  assert.deepEqual(await verifyAuthentication(signIn(), response, asSecondFactor(user.id)), { ok: false, reason: 'expired' });
  assert.deepEqual(await verifyAuthentication(binding, response, asSecondFactor(other.user.id)), { ok: false, reason: 'expired' });
  assert.equal((await verifyAuthentication(binding, response, asSecondFactor(user.id))).ok, true);
  assert.deepEqual(await verifyAuthentication(binding, response, asSecondFactor(user.id)), { ok: false, reason: 'expired' });
  // Another user's key answering this user's challenge.
  const mixed = await secondFactor(user.id, authenticator);
  const foreign = other.authenticator.authenticate({ challenge: JSON.parse(Buffer.from(mixed.response.response.clientDataJSON, 'base64url').toString()).challenge, rpId: here().rpId }, here());
  assert.deepEqual(await verifyAuthentication(mixed.binding, foreign, asSecondFactor(user.id)), { ok: false, reason: 'unknown_key' });
});

test('the same assertion posted in parallel is accepted once', async () => {
  const { user, authenticator } = await withKey();
  const { binding, response } = await secondFactor(user.id, authenticator);
  const results = await Promise.all(Array.from({ length: 6 }, () => verifyAuthentication(binding, response, asSecondFactor(user.id))));
  assert.equal(results.filter((r) => r.ok).length, 1, JSON.stringify(results));
});

test('the counter must grow, unless it stays 0; a regression is refused and audited', async () => {
  const { user, authenticator } = await withKey();
  const first = await secondFactor(user.id, authenticator);
  assert.equal((await verifyAuthentication(first.binding, first.response, asSecondFactor(user.id))).ok, true);
  authenticator.counter = 0; // a clone that starts again from 1, below the stored 2
  const cloned = await secondFactor(user.id, authenticator);
  assert.deepEqual(await verifyAuthentication(cloned.binding, cloned.response, asSecondFactor(user.id)), { ok: false, reason: 'counter_regression' });
  assert.equal((await storedKey(authenticator.id))!.signCount, 2);
  assert.ok((await auditActions(user.id)).includes('webauthn.counter_regression'));

  const synced = await withKey(new SoftwareAuthenticator({ counter: 'zero', userVerification: true, backedUp: true }));
  for (let i = 0; i < 2; i++) {
    const { binding, response } = await secondFactor(synced.user.id, synced.authenticator);
    assert.equal((await verifyAuthentication(binding, response, asSecondFactor(synced.user.id))).ok, true, '0 after 0 is a synced passkey');
  }
  const [key] = await listKeys(synced.user.id);
  assert.deepEqual([key!.deviceType, key!.backedUp], ['multiDevice', true]);
});

test('the relying party is AUTH_URL’s host and origin; without it, localhost on PORT', () => {
  assert.deepEqual(relyingParty(readConfig({ AUTH_URL: 'https://deskgate.example.com:8443/app', APP_NAME: 'Acme' })), { id: 'deskgate.example.com', name: 'Acme', origin: 'https://deskgate.example.com:8443' });
  assert.deepEqual(relyingParty(readConfig({ PORT: '3810' })), { id: 'localhost', name: 'Deskgate', origin: 'http://localhost:3810' });
});

test('of two registrations started before the user had a handle, the second to finish is refused (its key holds another handle)', async () => {
  const user = await freshUser();
  const [a, b] = [session(), session()];
  const [first, second] = [await registrationOptions(user, a), await registrationOptions(user, b)];
  assert.notEqual(first.user.id, second.user.id);
  assert.equal((await verifyRegistration(user, a, new SoftwareAuthenticator().register(first, here()), 'A')).ok, true);
  assert.deepEqual(await verifyRegistration(user, b, new SoftwareAuthenticator().register(second, here()), 'B'), { ok: false, reason: 'stale' });
  assert.equal((await listKeys(user.id)).length, 1);
});
