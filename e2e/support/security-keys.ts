import { writeTransaction } from '@/db';
import { replaceRecoveryCodes } from '@/lib/auth/enrollment';
import { authenticationOptions, registrationOptions, relyingParty, verifyRegistration, type WebAuthnBinding } from '@/lib/auth/webauthn';
import { newToken } from '@/lib/auth/tokens';
import { SoftwareAuthenticator, type Place } from '@/lib/testing/software-authenticator';
import type { TestUser } from './accounts';
import { baseURL } from './env';
import { rememberSecret } from './secrets-log';
import type { VirtualAuthenticator, VirtualCredential } from './virtual-authenticator';

// Keys registered without any page (the profile's key UI is not what these specs test): through the
// library, with a software authenticator whose private key Chromium's virtual one can then hold.

/** Where the app's browser pages are: the origin of the base URL, the RP ID its host. */
export const appPlace = (): Place => ({ origin: new URL(baseURL).origin, rpId: new URL(baseURL).hostname });

export interface RegisteredKey {
  /** Signs as the key would: for raw requests. */
  software: SoftwareAuthenticator;
  /** The same credential, for Chromium's virtual authenticator. */
  credential: VirtualCredential;
}

/** Registers a key for the user: a passkey (discoverable, user verification) or a plain USB key. */
export async function registerKey(user: TestUser, orgId: number, kind: 'passkey' | 'usb', name = kind === 'passkey' ? 'Laptop' : 'USB key'): Promise<RegisteredKey> {
  const software = new SoftwareAuthenticator({ userVerification: kind === 'passkey' });
  const owner = { id: user.id, orgId, email: user.email, name: user.name };
  const binding = { sessionId: newToken() };
  // The library checks against its own relying party; only the RP ID (the host) goes to the browser.
  const here = { origin: relyingParty().origin, rpId: relyingParty().id };
  const result = await verifyRegistration(owner, binding, software.register(await registrationOptions(owner, binding), here), name);
  if (!result.ok) throw new Error(`could not register the test key: ${result.reason}`);
  const credential: VirtualCredential = {
    credentialId: Buffer.from(software.credentialId).toString('base64'),
    isResidentCredential: kind === 'passkey',
    rpId: appPlace().rpId,
    privateKey: software.privateKeyPkcs8(),
    userHandle: kind === 'passkey' ? Buffer.from(software.userHandle!, 'base64url').toString('base64') : undefined,
    signCount: software.counter,
  };
  return { software, credential };
}

/** Puts the key into the page's virtual authenticator. */
export async function holdKey(authenticator: VirtualAuthenticator, key: RegisteredKey): Promise<void> {
  await authenticator.addCredential(key.credential);
}

/** Recovery codes for a user whose only second factor is a key. */
export async function giveRecoveryCodes(userId: number): Promise<string[]> {
  const codes = await writeTransaction((tx) => replaceRecoveryCodes(tx, userId));
  rememberSecret(...codes);
  return codes;
}

/** What a browser would get from the options action for this binding (made here, as the server would), answered by the software key. */
export async function assertionFor(binding: WebAuthnBinding, userId: number | null, key: SoftwareAuthenticator, place = appPlace()) {
  const options = await authenticationOptions(binding, userId);
  if (!options) throw new Error('the user has no keys');
  return key.authenticate(options, place);
}
