import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { db, writeTransaction } from '@/db';
import { auditEvents, organizations, sessions, users, webauthnCredentials } from '@/db/schema';
import { createOrganization } from '@/lib/accounts/organizations';
import { createUser } from '@/lib/accounts/users';
import { config } from '@/lib/config';
import { SoftwareAuthenticator } from '@/lib/testing/software-authenticator';
import { redeemReadyChallenge } from './challenge';
import { signInWithPasskey } from './passkey-sign-in';
import { tokenDigest } from './tokens';
import { authenticationOptions, registrationOptions, relyingParty, verifyRegistration } from './webauthn';

process.env.DESKGATE_LOG = 'off';
const operator = { kind: 'operator' } as const;
// Passkey sign-in satisfies both factors: it works under a policy that requires 2FA.
await createOrganization({ slug: 'pks', name: 'PKS', policy: 'required' }, operator);
let n = 0;
const here = () => ({ origin: relyingParty().origin, rpId: relyingParty().id });

async function withPasskey(method: 'password' | 'sso' = 'password', authenticator = new SoftwareAuthenticator({ userVerification: true })) {
  n += 1;
  const user = await createUser({ org: 'pks', email: `p${n}@pks.example`, name: `P${n}`, role: 'member', method, password: method === 'password' ? 'password-1' : undefined }, operator);
  const binding = { sessionId: `session-${n}` };
  assert.equal((await verifyRegistration(user, binding, authenticator.register(await registrationOptions(user, binding), here()), 'Laptop')).ok, true);
  return { user, authenticator };
}

async function passkeyAssertion(authenticator: SoftwareAuthenticator) {
  const nonce = `nonce-${++n}`;
  const options = await authenticationOptions({ browserNonce: nonce }, null);
  assert.ok(options);
  return { nonce, response: authenticator.authenticate(options, here()) };
}

async function snapshot(userId: number) {
  const reader = await db();
  const [user] = await reader.select({ failures: users.secondFactorFailures, version: users.credentialsVersion }).from(users).where(eq(users.id, userId));
  return { user, keys: await reader.select({ count: webauthnCredentials.signCount, used: webauthnCredentials.lastUsedAt }).from(webauthnCredentials).where(eq(webauthnCredentials.userId, userId)), sessions: (await reader.select().from(sessions).where(eq(sessions.userId, userId))).length };
}
/** The user's audited passkey sign-ins (`sign_in`) or refusals (`sign_in.failed`). */
const passkeyAudits = async (userId: number, action: 'sign_in' | 'sign_in.failed') =>
  (await (await db()).select({ action: auditEvents.action, detail: auditEvents.detail }).from(auditEvents).where(eq(auditEvents.targetUserId, userId)))
    .filter((row) => row.action === action && (JSON.parse(row.detail ?? '{}') as { method?: string }).method === 'passkey');

test('a passkey signs in: one ready challenge, whose session has both factors, audited as a passkey sign-in', async () => {
  const { user, authenticator } = await withPasskey();
  const { nonce, response } = await passkeyAssertion(authenticator);
  const result = await signInWithPasskey(nonce, response, '/profile', '203.0.113.9');
  assert.ok(result.ok);
  const sessionId = await redeemReadyChallenge(result.token);
  assert.ok(sessionId);
  const [row] = await (await db()).select().from(sessions).where(eq(sessions.id, tokenDigest(sessionId)));
  assert.equal(row!.userId, user.id);
  assert.equal(row!.method, 'passkey', 'the session records how it began');
  assert.ok(row!.secondFactorAt && Date.now() - row!.secondFactorAt < 60_000, 'the second factor counts as verified now');
  assert.equal((await passkeyAudits(user.id, 'sign_in')).length, 1);
  assert.equal((await signInWithPasskey(nonce, response, '/', '203.0.113.9')).ok, false, 'the same assertion again');
});

test('refused, changing nothing: an SSO user, a deactivated user, a suspended second step, an organization that turned it off, no user verification, a key added without it', async () => {
  const sso = await withPasskey('sso');
  const suspended = await withPasskey();
  await writeTransaction((tx) => tx.update(users).set({ secondFactorFailures: config().secondFactor.maxFailures }).where(eq(users.id, suspended.user.id)));
  const noUv = await withPasskey('password', new SoftwareAuthenticator({ userVerification: false }));
  // Added without user verification, given a PIN since (a stolen USB key): still not a passkey.
  const pinLater = await withPasskey('password', new SoftwareAuthenticator({ userVerification: false }));
  pinLater.authenticator.setUserVerification(true);
  const deactivated = await withPasskey();
  await writeTransaction((tx) => tx.update(users).set({ deactivatedAt: Date.now() }).where(eq(users.id, deactivated.user.id)));
  for (const { user, authenticator } of [sso, suspended, noUv, pinLater, deactivated]) {
    const before = await snapshot(user.id);
    const { nonce, response } = await passkeyAssertion(authenticator);
    assert.equal((await signInWithPasskey(nonce, response, '/', '203.0.113.10')).ok, false);
    assert.deepEqual(await snapshot(user.id), before, `nothing changed for user ${user.email}`);
  }
  const turnedOff = await withPasskey();
  await createOrganization({ slug: 'pks-off', name: 'PKS off', policy: 'optional' }, operator);
  const [off] = await (await db()).select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, 'pks-off'));
  await writeTransaction(async (tx) => {
    await tx.update(users).set({ orgId: off!.id }).where(eq(users.id, turnedOff.user.id));
    await tx.update(organizations).set({ passkeySignIn: false }).where(eq(organizations.id, off!.id));
  });
  const before = await snapshot(turnedOff.user.id);
  const { nonce, response } = await passkeyAssertion(turnedOff.authenticator);
  assert.deepEqual(await signInWithPasskey(nonce, response, '/', '203.0.113.10'), { ok: false, reason: 'passkey_disabled' });
  assert.deepEqual(await snapshot(turnedOff.user.id), before);
  assert.ok((await passkeyAudits(turnedOff.user.id, 'sign_in.failed')).length === 1, 'a refusal for a known key is audited for its owner');
});

test('junk, expired challenges and unknown keys count for nothing: nobody can take the button from a key or an address', async () => {
  const { user: victim, authenticator } = await withPasskey();
  const stranger = new SoftwareAuthenticator({ userVerification: true });
  stranger.userHandle = authenticator.userHandle;
  for (let i = 0; i <= config().secondFactor.userFailures; i++) {
    const { nonce, response } = await passkeyAssertion(stranger);
    assert.deepEqual(await signInWithPasskey(nonce, response, '/', '198.51.100.6'), { ok: false, reason: 'unknown_key' });
    // The victim's own credential id and user handle, signed by another key, for a live challenge.
    const other = await passkeyAssertion(stranger);
    const forged = { ...other.response, id: authenticator.id, rawId: authenticator.id };
    assert.deepEqual(await signInWithPasskey(other.nonce, forged, '/', '198.51.100.6'), { ok: false, reason: 'not_verified' });
    assert.deepEqual(await signInWithPasskey(nonce, { id: 'junk' }, '/', '198.51.100.6'), { ok: false, reason: 'invalid_input' });
  }
  assert.equal((await passkeyAudits(victim.id, 'sign_in.failed')).length, 0, 'nothing audited for the key’s owner');
  const fromThere = await passkeyAssertion(authenticator);
  assert.equal((await signInWithPasskey(fromThere.nonce, fromThere.response, '/', '198.51.100.6')).ok, true);
});

test('refusals of signed assertions count per key: that key is locked, from any address; other keys and the account are not', async () => {
  const { user, authenticator } = await withPasskey();
  // A key added without user verification and given a PIN since: each assertion is signed, and refused.
  const usbKey = new SoftwareAuthenticator({ userVerification: false });
  const holder = await withPasskey('password', usbKey);
  usbKey.setUserVerification(true);
  for (let i = 0; i < config().secondFactor.userFailures; i++) {
    const { nonce, response } = await passkeyAssertion(usbKey);
    assert.deepEqual(await signInWithPasskey(nonce, response, '/', '198.51.100.7'), { ok: false, reason: 'not_a_passkey' });
  }
  const elsewhere = await passkeyAssertion(usbKey);
  assert.deepEqual(await signInWithPasskey(elsewhere.nonce, elsewhere.response, '/', '198.51.100.99'), { ok: false, reason: 'locked' }, 'the key is locked, from any address');
  assert.equal((await passkeyAudits(holder.user.id, 'sign_in.failed')).length, config().secondFactor.userFailures, 'each signed refusal audited for the owner');
  assert.equal((await snapshot(holder.user.id)).user!.failures, 0, 'the account counted nothing');
  const fromThere = await passkeyAssertion(authenticator);
  assert.equal((await signInWithPasskey(fromThere.nonce, fromThere.response, '/', '198.51.100.7')).ok, true, 'another key at that address signs in');
  assert.equal((await snapshot(user.id)).user!.failures, 0);
});

test('a success resets the key’s count', async () => {
  const usbKey = new SoftwareAuthenticator({ userVerification: true });
  const { user } = await withPasskey('password', usbKey);
  const refuseOnce = async () => {
    usbKey.setUserVerification(false);
    const { nonce, response } = await passkeyAssertion(usbKey);
    assert.deepEqual(await signInWithPasskey(nonce, response, '/', '203.0.113.13'), { ok: false, reason: 'no_user_verification' });
    usbKey.setUserVerification(true);
  };
  for (let i = 0; i < config().secondFactor.userFailures - 1; i++) await refuseOnce();
  const ok = await passkeyAssertion(usbKey);
  assert.equal((await signInWithPasskey(ok.nonce, ok.response, '/', '203.0.113.13')).ok, true);
  // As many refusals again, one short of the limit: not locked, as the success forgot the earlier ones.
  for (let i = 0; i < config().secondFactor.userFailures - 1; i++) await refuseOnce();
  const again = await passkeyAssertion(usbKey);
  assert.equal((await signInWithPasskey(again.nonce, again.response, '/', '203.0.113.13')).ok, true, `${user.email} is not locked`);
});

test('a passkey tried without its user verification (a stolen key, no PIN) is refused and audited for its owner', async () => {
  const { user, authenticator } = await withPasskey();
  authenticator.setUserVerification(false);
  const { nonce, response } = await passkeyAssertion(authenticator);
  assert.deepEqual(await signInWithPasskey(nonce, response, '/', '203.0.113.12'), { ok: false, reason: 'no_user_verification' });
  assert.equal((await passkeyAudits(user.id, 'sign_in.failed')).length, 1);
});

test('the same passkey assertion posted in parallel makes one ready challenge', async () => {
  const { authenticator } = await withPasskey();
  const { nonce, response } = await passkeyAssertion(authenticator);
  const results = await Promise.all(Array.from({ length: 8 }, () => signInWithPasskey(nonce, response, '/', '203.0.113.11')));
  assert.equal(results.filter((r) => r.ok).length, 1);
});
