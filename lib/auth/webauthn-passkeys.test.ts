import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { writeTransaction } from '@/db';
import { organizations } from '@/db/schema';
import { createOrganization } from '@/lib/accounts/organizations';
import { createUser } from '@/lib/accounts/users';
import { SoftwareAuthenticator } from '@/lib/testing/software-authenticator';
import { authenticationOptions, registrationOptions, relyingParty, verifyAuthentication, verifyRegistration, type WebAuthnBinding } from './webauthn';

process.env.DESKGATE_LOG = 'off';
const operator = { kind: 'operator' } as const;
// Passkey sign-in satisfies both factors, so it works under a policy that requires 2FA.
await createOrganization({ slug: 'pk', name: 'PK', policy: 'required' }, operator);
await createOrganization({ slug: 'pk-off', name: 'PK off', policy: 'optional' }, operator);
let n = 0;
const here = () => ({ origin: relyingParty().origin, rpId: relyingParty().id });
const nonce = (): WebAuthnBinding => ({ browserNonce: `nonce-${++n}` });
const passkey = { userId: null, requireUserVerification: true };

async function withPasskey(authenticator: SoftwareAuthenticator, orgSlug = 'pk') {
  n += 1;
  const user = await createUser({ org: orgSlug, email: `p${n}@pk.example`, name: `P${n}`, role: 'member', method: 'password', password: 'password-1' }, operator);
  const binding = { sessionId: `session-${n}` };
  assert.equal((await verifyRegistration(user, binding, authenticator.register(await registrationOptions(user, binding), here()), 'Laptop')).ok, true);
  return user;
}

async function passkeyAssertion(authenticator: SoftwareAuthenticator) {
  const binding = nonce();
  const options = await authenticationOptions(binding, null);
  assert.ok(options);
  assert.deepEqual(options.allowCredentials ?? [], [], 'any discoverable credential');
  assert.equal(options.userVerification, 'required');
  return { binding, response: authenticator.authenticate(options, here()) };
}

test('passkey sign-in: a discoverable credential with user verification names its user', async () => {
  const authenticator = new SoftwareAuthenticator({ userVerification: true });
  const user = await withPasskey(authenticator);
  const { binding, response } = await passkeyAssertion(authenticator);
  assert.deepEqual(await verifyAuthentication(binding, response, passkey), { ok: true, userId: user.id, credentialId: authenticator.id, userVerified: true });
});

test('passkey sign-in refuses a key without user verification, even when the caller does not ask for it', async () => {
  const usbKey = new SoftwareAuthenticator();
  await withPasskey(usbKey);
  const { binding, response } = await passkeyAssertion(usbKey);
  assert.deepEqual(await verifyAuthentication(binding, response, { userId: null, requireUserVerification: false }), { ok: false, reason: 'no_user_verification' });
});

test('a key added without user verification cannot sign in on its own once it has a PIN; it still serves after the password', async () => {
  // A stolen USB key: whoever holds it sets a PIN, and the assertion now carries the UV flag.
  const usbKey = new SoftwareAuthenticator();
  const user = await withPasskey(usbKey);
  usbKey.setUserVerification(true);
  const { binding, response } = await passkeyAssertion(usbKey);
  assert.deepEqual(await verifyAuthentication(binding, response, passkey), { ok: false, reason: 'not_a_passkey' });
  const signIn = { challengeToken: `challenge-${++n}` };
  const options = await authenticationOptions(signIn, user.id);
  assert.ok(options);
  assert.equal((await verifyAuthentication(signIn, usbKey.authenticate(options, here()), { userId: user.id, requireUserVerification: false })).ok, true);
});

test('passkey sign-in refuses a user handle that is not the key’s user’s, and a missing one', async () => {
  const authenticator = new SoftwareAuthenticator({ userVerification: true });
  await withPasskey(authenticator);
  const someoneElse = new SoftwareAuthenticator({ userVerification: true });
  await withPasskey(someoneElse);
  for (const handle of [someoneElse.userHandle, null]) {
    authenticator.userHandle = handle;
    const { binding, response } = await passkeyAssertion(authenticator);
    assert.deepEqual(await verifyAuthentication(binding, response, passkey), { ok: false, reason: 'unknown_key' });
  }
});

test('a passkey challenge is bound to its browser nonce, and is not a second-factor challenge', async () => {
  const authenticator = new SoftwareAuthenticator({ userVerification: true });
  const user = await withPasskey(authenticator);
  const { binding, response } = await passkeyAssertion(authenticator);
  assert.deepEqual(await verifyAuthentication(nonce(), response, passkey), { ok: false, reason: 'expired' });
  assert.deepEqual(await verifyAuthentication(binding, response, { userId: user.id, requireUserVerification: false }), { ok: false, reason: 'expired' });
  assert.equal((await verifyAuthentication(binding, response, passkey)).ok, true);
});

test('an organization that turned passkey sign-in off refuses it; the key still serves as a second factor', async () => {
  const authenticator = new SoftwareAuthenticator({ userVerification: true });
  const user = await withPasskey(authenticator, 'pk-off');
  await writeTransaction((tx) => tx.update(organizations).set({ passkeySignIn: false }).where(eq(organizations.slug, 'pk-off')));
  const { binding, response } = await passkeyAssertion(authenticator);
  assert.deepEqual(await verifyAuthentication(binding, response, passkey), { ok: false, reason: 'passkey_disabled' });
  const signIn = { challengeToken: `challenge-${++n}` };
  const options = await authenticationOptions(signIn, user.id);
  assert.equal(options!.userVerification, 'discouraged');
  assert.deepEqual(options!.allowCredentials?.map((c) => c.id), [authenticator.id]);
  assert.equal((await verifyAuthentication(signIn, authenticator.authenticate(options!, here()), { userId: user.id, requireUserVerification: false })).ok, true);
});

test('second-factor options for a user without keys are null: never an open, discoverable request', async () => {
  n += 1;
  const user = await createUser({ org: 'pk', email: `none${n}@pk.example`, name: 'None', role: 'member', method: 'password', password: 'password-1' }, operator);
  assert.equal(await authenticationOptions({ challengeToken: 'c' }, user.id), null);
});
