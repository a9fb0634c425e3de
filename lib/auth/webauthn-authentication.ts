import 'server-only';
import { and, eq, lt } from 'drizzle-orm';
import { generateAuthenticationOptions, verifyAuthenticationResponse, type AuthenticationResponseJSON, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { type Executor, db, lockUser, writeTransaction } from '@/db';
import { organizations, users, webauthnCredentials } from '@/db/schema';
import { audit } from '@/lib/audit';
import { authenticationResponseSchema, clientDataChallenge } from '@/lib/validation/webauthn';
import { consumeChallenge, issueChallenge, relyingParty, WEBAUTHN_CHALLENGE_MS, type WebAuthnBinding } from './webauthn-challenges';
import { credentialDescriptors } from './webauthn-registration';

/**
 * Options for navigator.credentials.get(). With a user (the second step of sign-in): their keys,
 * user verification discouraged (the password was the first factor; a USB key without a PIN
 * works), or null when they have none. Without (passkey sign-in): any discoverable credential,
 * user verification required.
 */
export async function authenticationOptions(binding: WebAuthnBinding, userId: number | null): Promise<PublicKeyCredentialRequestOptionsJSON | null> {
  const allowCredentials = userId === null ? [] : await credentialDescriptors(userId);
  if (userId !== null && allowCredentials.length === 0) return null;
  const challenge = await issueChallenge({ purpose: userId === null ? 'passkey' : 'second_factor', binding, userId });
  return generateAuthenticationOptions({
    rpID: relyingParty().id,
    allowCredentials,
    challenge: isoBase64URL.toBuffer(challenge),
    timeout: WEBAUTHN_CHALLENGE_MS,
    userVerification: userId === null ? 'required' : 'discouraged',
  });
}

export type AuthenticationFailure =
  | 'invalid_input'
  | 'expired'
  | 'unknown_key'
  | 'not_verified'
  | 'no_user_verification'
  | 'passkey_disabled'
  | 'not_a_passkey'
  | 'counter_regression'
  | 'refused';
/** Refusals of an assertion its key signed: its holder tried. Every other refusal may be anybody's junk. */
export const SIGNED_REFUSALS: readonly AuthenticationFailure[] = ['no_user_verification', 'passkey_disabled', 'not_a_passkey', 'counter_regression', 'refused'];
export type VerifiedAssertion = { userId: number; credentialId: string; userVerified: boolean };
export type AuthenticationResult = ({ ok: true } & VerifiedAssertion) | { ok: false; reason: AuthenticationFailure };

export interface AuthenticationExpectation {
  /** The user of the sign-in challenge (second factor), or null for passkey sign-in (the key names its user). */
  userId: number | null;
  /** Passkey sign-in always requires it. */
  requireUserVerification: boolean;
  ip?: string | null;
  /**
   * The caller's transaction, which holds the user's row lock already (the second step takes it
   * first): the challenge is used up and the key's use recorded in it, without a lock or savepoint
   * of their own (round trips on PostgreSQL). Not with `andThen`, whose refusal needs a savepoint.
   */
  tx?: Executor;
  /** `beginAssertion(response, userId)` started earlier by the caller, so that its signature check overlapped the caller's own work. */
  begun?: Promise<BegunAssertion>;
  /**
   * Runs in the transaction that records the key's use, under the user's row lock, once the
   * assertion is verified (the passkey sign-in's own rules and its session). Returning false rolls
   * that transaction back (the key's counter and last use stay; the challenge stays used): `refused`.
   */
  andThen?: (tx: Executor, verified: VerifiedAssertion) => Promise<boolean>;
}

/** Thrown inside the key's transaction when `andThen` refuses: rolls it back. */
class Refused extends Error {}

/**
 * The stored key the response names: the user's own (second factor), or the one whose user handle
 * the response carries (passkey, with its organization's switch; a second factor needs none).
 */
async function findKey(response: AuthenticationResponseJSON, userId: number | null) {
  const fields = { id: webauthnCredentials.id, userId: users.id, orgId: users.orgId, publicKey: webauthnCredentials.publicKey, signCount: webauthnCredentials.signCount, uvInitialized: webauthnCredentials.uvInitialized };
  const reader = await db();
  if (userId !== null) {
    const [key] = await reader
      .select(fields)
      .from(webauthnCredentials)
      .innerJoin(users, eq(users.id, webauthnCredentials.userId))
      .where(and(eq(webauthnCredentials.credentialId, response.id), eq(webauthnCredentials.userId, userId)));
    return key ? { ...key, passkeySignIn: false } : null;
  }
  const [key] = await reader
    .select({ ...fields, passkeySignIn: organizations.passkeySignIn })
    .from(webauthnCredentials)
    .innerJoin(users, eq(users.id, webauthnCredentials.userId))
    .innerJoin(organizations, eq(organizations.id, users.orgId))
    .where(and(eq(webauthnCredentials.credentialId, response.id), eq(users.webauthnHandle, response.response.userHandle ?? '')));
  return key ?? null;
}

async function verifiedAssertion(response: AuthenticationResponseJSON, challenge: string, publicKey: string) {
  const rp = relyingParty();
  try {
    // Counter 0: SimpleWebAuthn would refuse a regression before the signature is checked; the rule
    // is applied below, after it, so that only a signed assertion is ever audited as one.
    const credential = { id: response.id, publicKey: isoBase64URL.toBuffer(publicKey), counter: 0 };
    const result = await verifyAuthenticationResponse({ response, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, credential, requireUserVerification: false });
    return result.verified ? result.authenticationInfo : null;
  } catch {
    return null;
  }
}

type StoredKey = NonNullable<Awaited<ReturnType<typeof findKey>>>;
type AssertionInfo = NonNullable<Awaited<ReturnType<typeof verifiedAssertion>>>;
/** An assertion read and its key looked up, its signature check under way (never rejects: a bad signature is null). */
export type BegunAssertion =
  | { ok: false; reason: 'invalid_input' }
  | { ok: true; response: AuthenticationResponseJSON; challenge: string; key: StoredKey | null; signed: Promise<AssertionInfo | null> | null };

/**
 * The part of a check that needs no transaction and decides nothing: the input parsed, the key it
 * names looked up, and the signature check begun (its WebCrypto work runs on libuv's threadpool
 * while the caller counts the attempt and uses the challenge up). Its outcome counts only once
 * `verifyAuthentication` has used up the challenge for this request; the key is confirmed again
 * by the conditional UPDATE that records its use.
 */
export async function beginAssertion(response: unknown, userId: number | null): Promise<BegunAssertion> {
  const parsed = authenticationResponseSchema.safeParse(response);
  if (!parsed.success) return { ok: false, reason: 'invalid_input' };
  const challenge = clientDataChallenge.safeParse(parsed.data.response.clientDataJSON);
  if (!challenge.success) return { ok: false, reason: 'invalid_input' };
  const key = await findKey(parsed.data, userId);
  return { ok: true, response: parsed.data, challenge: challenge.data, key, signed: key && verifiedAssertion(parsed.data, challenge.data, key.publicKey) };
}

/**
 * Checks an assertion for a challenge of `authenticationOptions`, used up whatever the outcome.
 * The signature counter must grow, unless it is 0 before and after (synced passkeys); a
 * regression is refused and audited. The key's counter and last use are written by one
 * conditional UPDATE. Makes no session: the caller does, on `ok`.
 */
export async function verifyAuthentication(binding: WebAuthnBinding, response: unknown, expected: AuthenticationExpectation): Promise<AuthenticationResult> {
  const { userId } = expected;
  const begun = await (expected.begun ?? beginAssertion(response, userId));
  if (!begun.ok) return begun;
  const { key } = begun;
  const owner = { purpose: userId === null ? ('passkey' as const) : ('second_factor' as const), binding, userId };
  const [info, consumed] = await Promise.all([begun.signed, consumeChallenge(begun.challenge, owner, Date.now(), expected.tx)]);
  if (!consumed) return { ok: false, reason: 'expired' };
  if (!key) return { ok: false, reason: 'unknown_key' };
  // User verification is checked below, once the signature is: a stolen key tried without its PIN
  // is then a signed refusal, audited for its owner.
  if (!info) return { ok: false, reason: 'not_verified' };
  // The refusals below concern a signed assertion of a registered key (see SIGNED_REFUSALS).
  if ((expected.requireUserVerification || userId === null) && !info.userVerified) return { ok: false, reason: 'no_user_verification' };
  if (userId === null && !key.passkeySignIn) return { ok: false, reason: 'passkey_disabled' };
  // A key that did not verify its user when it was added (a USB key without a PIN) may have been
  // given a PIN since by whoever holds it: it serves after the password only.
  if (userId === null && !key.uvInitialized) return { ok: false, reason: 'not_a_passkey' };
  const counter = info.newCounter;
  const credentialId = begun.response.id;
  const grows = counter === 0 ? eq(webauthnCredentials.signCount, 0) : lt(webauthnCredentials.signCount, counter);
  const record = async (tx: Executor, locked: boolean): Promise<AuthenticationResult> => {
    // The user's row first, as every change of the user's keys takes it.
    if (!locked) await lockUser(tx, key.userId);
    const [used] = await tx
      .update(webauthnCredentials)
      .set({ signCount: counter, lastUsedAt: Date.now(), backedUp: info.credentialBackedUp })
      .where(and(eq(webauthnCredentials.id, key.id), grows))
      .returning({ id: webauthnCredentials.id });
    if (!used) {
      // Removed since it was looked up (outside this transaction): a key unknown now, not a regression.
      const [still] = await tx.select({ id: webauthnCredentials.id }).from(webauthnCredentials).where(eq(webauthnCredentials.id, key.id));
      if (!still) return { ok: false, reason: 'unknown_key' };
      await audit(tx, { orgId: key.orgId, actor: { kind: 'system' }, targetUserId: key.userId, action: 'webauthn.counter_regression', detail: { credentialId, stored: key.signCount, received: counter }, ip: expected.ip });
      return { ok: false, reason: 'counter_regression' };
    }
    const verified = { userId: key.userId, credentialId, userVerified: info.userVerified };
    if (expected.andThen && !(await expected.andThen(tx, verified))) throw new Refused();
    return { ok: true, ...verified };
  };
  if (expected.tx && !expected.andThen) return record(expected.tx, true);
  try {
    return await writeTransaction((tx) => record(tx, false));
  } catch (error) {
    if (error instanceof Refused) return { ok: false, reason: 'refused' };
    throw error;
  }
}
