import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import { generateRegistrationOptions, verifyRegistrationResponse, type AuthenticatorTransportFuture, type PublicKeyCredentialCreationOptionsJSON, type RegistrationResponseJSON } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { db, type Executor, lockOrganization, lockUser, writeTransaction } from '@/db';
import { users, webauthnCredentials } from '@/db/schema';
import { audit } from '@/lib/audit';
import { clientDataChallenge, keyNameField, registrationResponseSchema } from '@/lib/validation/webauthn';
import { keyAdded, type KeyAdded } from './key-changes';
import { consumeChallenge, issueChallenge, relyingParty, WEBAUTHN_CHALLENGE_MS, type WebAuthnBinding } from './webauthn-challenges';
import { newToken } from './tokens';

/** The user a key is registered for. */
export interface KeyOwner {
  id: number;
  orgId: number;
  email: string;
  name: string;
}

/** The user's keys, as allowCredentials/excludeCredentials name them. */
export async function credentialDescriptors(userId: number) {
  const rows = await (await db())
    .select({ id: webauthnCredentials.credentialId, transports: webauthnCredentials.transports })
    .from(webauthnCredentials)
    .where(eq(webauthnCredentials.userId, userId));
  return rows.map((row) => ({ id: row.id, transports: JSON.parse(row.transports) as AuthenticatorTransportFuture[] }));
}

async function userHandle(userId: number): Promise<string | null> {
  const [row] = await (await db()).select({ handle: users.webauthnHandle }).from(users).where(eq(users.id, userId));
  return row?.handle ?? null;
}

/**
 * Options for navigator.credentials.create(): attestation `none`, the user's keys excluded, a
 * discoverable credential preferred (a passkey), user verification preferred (a USB key without
 * a PIN still registers). The user handle is the user's, or a new random one that becomes theirs
 * when this key is stored.
 */
export async function registrationOptions(user: KeyOwner, binding: WebAuthnBinding): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const rp = relyingParty();
  const handle = (await userHandle(user.id)) ?? newToken();
  const challenge = await issueChallenge({ purpose: 'register', binding, userId: user.id, handle });
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.email,
    userDisplayName: user.name,
    userID: isoBase64URL.toBuffer(handle),
    challenge: isoBase64URL.toBuffer(challenge),
    timeout: WEBAUTHN_CHALLENGE_MS,
    attestationType: 'none',
    excludeCredentials: await credentialDescriptors(user.id),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
  });
}

export type RegistrationFailure = 'invalid_input' | 'invalid_name' | 'expired' | 'not_verified' | 'duplicate' | 'stale' | 'not_allowed';
/** On success, what adding the key brought (see KeyAdded): recovery codes for a first second factor, a setup sign-in's new token. */
export type RegistrationResult = ({ ok: true; credentialId: string } & KeyAdded) | { ok: false; reason: RegistrationFailure };

/** Re-checked under the organization's and the user's locks before the key is stored (see mayStillRegister). */
export type RegistrationGuard = (tx: Executor) => Promise<boolean>;

async function verified(response: RegistrationResponseJSON, challenge: string) {
  const rp = relyingParty();
  try {
    const result = await verifyRegistrationResponse({ response, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: false });
    return result.verified ? result.registrationInfo : null;
  } catch {
    return null;
  }
}

/**
 * Checks what the browser returned for `registrationOptions` and stores the key. The challenge is
 * used up whatever the outcome. Refused: a response for another binding's challenge, an expired
 * or used one, a wrong origin or RP ID, a bad attestation, a credential id already registered (to
 * anyone), a user handle that changed since the options were made, and what `allowed` no longer
 * allows. The key is stored with what every key change does (see keyAdded), in one transaction.
 */
export async function verifyRegistration(
  user: KeyOwner,
  binding: WebAuthnBinding,
  response: unknown,
  name: unknown,
  ip: string | null = null,
  allowed?: RegistrationGuard,
): Promise<RegistrationResult> {
  const keyName = keyNameField.safeParse(name);
  if (!keyName.success) return { ok: false, reason: 'invalid_name' };
  const parsed = registrationResponseSchema.safeParse(response);
  if (!parsed.success) return { ok: false, reason: 'invalid_input' };
  const challenge = clientDataChallenge.safeParse(parsed.data.response.clientDataJSON);
  if (!challenge.success) return { ok: false, reason: 'invalid_input' };
  const issued = await consumeChallenge(challenge.data, { purpose: 'register', binding, userId: user.id });
  if (!issued?.handle) return { ok: false, reason: 'expired' };
  const info = await verified(parsed.data, challenge.data);
  if (!info) return { ok: false, reason: 'not_verified' };
  const { credential, credentialDeviceType, credentialBackedUp, userVerified } = info;
  return writeTransaction(async (tx): Promise<RegistrationResult> => {
    // The organization first, as every 2FA change does: a policy change waits for this one, or this sees it.
    await lockOrganization(tx, user.orgId, 'shared');
    await lockUser(tx, user.id);
    if (allowed && !(await allowed(tx))) return { ok: false, reason: 'not_allowed' };
    await tx.update(users).set({ webauthnHandle: issued.handle }).where(and(eq(users.id, user.id), isNull(users.webauthnHandle)));
    if ((await userHandle(user.id)) !== issued.handle) return { ok: false, reason: 'stale' };
    const [stored] = await tx
      .insert(webauthnCredentials)
      .values({
        userId: user.id,
        credentialId: credential.id,
        publicKey: isoBase64URL.fromBuffer(credential.publicKey),
        signCount: credential.counter,
        transports: JSON.stringify(parsed.data.response.transports ?? []),
        name: keyName.data,
        deviceType: credentialDeviceType,
        backedUp: credentialBackedUp,
        uvInitialized: userVerified,
        createdAt: Date.now(),
      })
      .onConflictDoNothing({ target: webauthnCredentials.credentialId })
      .returning({ id: webauthnCredentials.id });
    if (!stored) return { ok: false, reason: 'duplicate' };
    const actor = { kind: 'user' as const, userId: user.id, sessionId: 'sessionId' in binding ? binding.sessionId : undefined };
    const added = await keyAdded(tx, user.id, binding);
    // Audited once the key is counted: its notification tells a first key (2FA now on) from another.
    await audit(tx, { orgId: user.orgId, actor, targetUserId: user.id, action: 'webauthn.key_added', detail: { credentialId: credential.id, name: keyName.data, deviceType: credentialDeviceType, userVerified }, ip });
    // The user's first second factor: 2FA is on from now, as when the app comes first.
    if (added.codes) await audit(tx, { orgId: user.orgId, actor, targetUserId: user.id, action: '2fa.enabled', detail: { factor: 'webauthn' }, ip });
    return { ok: true, credentialId: credential.id, ...added };
  });
}
