import 'server-only';
import { eq } from 'drizzle-orm';
import { type Executor, db, writeTransaction } from '@/db';
import { organizations, users, webauthnCredentials } from '@/db/schema';
import { audit } from '@/lib/audit';
import { config } from '@/lib/config';
import { log } from '@/lib/log';
import { createChallenge } from './challenge';
import { isSecondFactorSuspended, secondFactorRule } from './second-factor';
import { tokenDigest } from './tokens';
import { clearAttempts, countAttempt, lockedUntil, type ThrottleRule } from './throttle';
import { SIGNED_REFUSALS, verifyAuthentication, type AuthenticationFailure, type VerifiedAssertion } from './webauthn-authentication';

/**
 * Refusals of assertions a registered key signed (SIGNED_REFUSALS) count per key: past the second
 * step's per-user limit in its window, that key cannot sign in on its own until the lock ends (it
 * still serves after the password). Only the key's holder can make such a refusal, so nobody can
 * lock anyone else out: not per account, not per address (an office behind one address). Junk,
 * expired challenges and unknown keys count for nothing: each costs a lookup and at most one
 * signature check, like any other request.
 */
export function passkeyRule(credentialId: string): ThrottleRule {
  const { userFailures, windowMs, lockMs } = config().secondFactor;
  // Counted after the check (countAttempt locks past `limit`): the userFailures-th refusal locks.
  return { key: `passkey:key:${tokenDigest(credentialId)}`, limit: userFailures - 1, windowMs, lockMs };
}

/** The credential id a response names, as posted (checked only for its type and length). */
const credentialIdOf = (response: unknown) => (typeof response === 'object' && response !== null && 'id' in response && typeof response.id === 'string' ? response.id.slice(0, 1364) : '');

export type PasskeyRefusal = AuthenticationFailure | 'locked';
export type PasskeySignIn = { ok: true; token: string; userId: number } | { ok: false; reason: PasskeyRefusal };

/**
 * Under the user's row lock, in the transaction that records the key's use: refuses SSO and deactivated users, a
 * suspended second step and an organization that turned passkey sign-in off meanwhile; otherwise
 * makes the `ready` challenge (both factors verified now), resets the second-factor counts as any
 * second factor's success does, and audits the sign-in.
 */
async function admit(tx: Executor, verified: VerifiedAssertion, callbackUrl: string, ip: string): Promise<string | null> {
  const [user] = await tx
    .select({ orgId: users.orgId, method: users.signInMethod, failures: users.secondFactorFailures, credentialsVersion: users.credentialsVersion, deactivatedAt: users.deactivatedAt, allowed: organizations.passkeySignIn })
    .from(users)
    .innerJoin(organizations, eq(organizations.id, users.orgId))
    .where(eq(users.id, verified.userId));
  if (!user || user.method !== 'password' || user.deactivatedAt !== null || !user.allowed || isSecondFactorSuspended(user.failures)) return null;
  const now = Date.now();
  const token = await createChallenge(verified.userId, 'ready', callbackUrl, user.credentialsVersion, { secondFactorAt: now, method: 'passkey' });
  // A success resets the counts, as any second factor's does, and the key's own.
  await clearAttempts(tx, [secondFactorRule(verified.userId).key, passkeyRule(verified.credentialId).key]);
  await tx.update(users).set({ secondFactorFailures: 0 }).where(eq(users.id, verified.userId));
  const actor = { kind: 'user' as const, userId: verified.userId };
  await audit(tx, { orgId: user.orgId, actor, targetUserId: verified.userId, action: 'sign_in', detail: { method: 'passkey', secondFactor: 'webauthn', credentialId: verified.credentialId }, ip });
  return token;
}

/** A refusal of a signed assertion is audited for the key's owner and counted against the key; any other is only logged. */
async function recordFailure(credentialId: string, reason: PasskeyRefusal, ip: string): Promise<void> {
  const [owner] =
    credentialId && SIGNED_REFUSALS.includes(reason as AuthenticationFailure)
      ? await (await db()).select({ id: users.id, orgId: users.orgId }).from(webauthnCredentials).innerJoin(users, eq(users.id, webauthnCredentials.userId)).where(eq(webauthnCredentials.credentialId, credentialId))
      : [];
  if (!owner) return log('sign_in.failed', { method: 'passkey', reason, ip });
  await countAttempt([passkeyRule(credentialId)]);
  await writeTransaction((tx) => audit(tx, { orgId: owner.orgId, actor: { kind: 'system' }, targetUserId: owner.id, action: 'sign_in.failed', detail: { method: 'passkey', reason, credentialId }, ip }));
}

/**
 * Passkey sign-in: a discoverable credential with user verification, added with user verification,
 * stands for the password and the second factor at once. Refused while the key is locked; on
 * success the session follows from the returned `ready` challenge (finishSignIn), as for every
 * other sign-in.
 */
export async function signInWithPasskey(browserNonce: string, response: unknown, callbackUrl: string, ip: string): Promise<PasskeySignIn> {
  const credentialId = credentialIdOf(response);
  if (credentialId && (await lockedUntil(await db(), passkeyRule(credentialId).key))) {
    log('sign_in.failed', { method: 'passkey', reason: 'locked', ip });
    return { ok: false, reason: 'locked' };
  }
  let token: string | null = null;
  const result = await verifyAuthentication({ browserNonce }, response, {
    userId: null,
    requireUserVerification: true,
    ip,
    andThen: async (tx, verified) => {
      token = await admit(tx, verified, callbackUrl, ip);
      return token !== null;
    },
  });
  if (!result.ok || !token) {
    const reason = result.ok ? 'refused' : result.reason;
    await recordFailure(credentialId, reason, ip);
    return { ok: false, reason };
  }
  return { ok: true, token, userId: result.userId };
}
