import 'server-only';
import { eq } from 'drizzle-orm';
import { type Executor, db, writeTransaction } from '@/db';
import { organizations, users, webauthnCredentials } from '@/db/schema';
import { addressKey } from '@/lib/address-key';
import { audit } from '@/lib/audit';
import { config } from '@/lib/config';
import { log } from '@/lib/log';
import { createChallenge } from './challenge';
import { isSecondFactorSuspended, secondFactorRule } from './second-factor';
import { clearAttempts, countAttempt, lockedUntil, type ThrottleRule } from './throttle';
import { SIGNED_REFUSALS, verifyAuthentication, type AuthenticationFailure, type VerifiedAssertion } from './webauthn-authentication';

/**
 * Refused passkey sign-ins count per client address only (the password step's address limit and
 * window), never per user, email or key: nobody can lock an account this way. Only refusals of an
 * assertion a registered key signed count (SIGNED_REFUSALS): junk, expired challenges and unknown
 * keys cost a lookup and at most one signature check, and counting them would let anybody behind
 * a shared address take the passkey button from everyone there. At worst an address loses the
 * button for a while; the password and second step stay open to it.
 */
export function passkeyRule(ip: string): ThrottleRule {
  const { ipFailures, windowMs, lockMs } = config().password;
  // Counted after the check (countAttempt locks past `limit`): the ipFailures-th refusal locks.
  return { key: `passkey:ip:${addressKey(ip)}`, limit: ipFailures - 1, windowMs, lockMs };
}

export type PasskeyRefusal = AuthenticationFailure | 'locked';
export type PasskeySignIn = { ok: true; token: string; userId: number } | { ok: false; reason: PasskeyRefusal };

/**
 * Under the user's row lock, in the transaction that records the key's use: refuses SSO users, a
 * suspended second step and an organization that turned passkey sign-in off meanwhile; otherwise
 * makes the `ready` challenge (both factors verified now), resets the second-factor counts as any
 * second factor's success does, and audits the sign-in.
 */
async function admit(tx: Executor, verified: VerifiedAssertion, callbackUrl: string, ip: string): Promise<string | null> {
  const [user] = await tx
    .select({ orgId: users.orgId, method: users.signInMethod, failures: users.secondFactorFailures, credentialsVersion: users.credentialsVersion, allowed: organizations.passkeySignIn })
    .from(users)
    .innerJoin(organizations, eq(organizations.id, users.orgId))
    .where(eq(users.id, verified.userId));
  if (!user || user.method !== 'password' || !user.allowed || isSecondFactorSuspended(user.failures)) return null;
  const now = Date.now();
  const token = await createChallenge(verified.userId, 'ready', callbackUrl, user.credentialsVersion, { secondFactorAt: now, method: 'passkey', tx });
  await clearAttempts(tx, [secondFactorRule(verified.userId).key]);
  await tx.update(users).set({ secondFactorFailures: 0 }).where(eq(users.id, verified.userId));
  const actor = { kind: 'user' as const, userId: verified.userId };
  await audit(tx, { orgId: user.orgId, actor, targetUserId: verified.userId, action: 'sign_in', detail: { method: 'passkey', secondFactor: 'webauthn', credentialId: verified.credentialId }, ip });
  return token;
}

/** A refusal of a signed assertion is audited for the key's owner and counted against the address; any other is only logged. */
async function recordFailure(response: unknown, reason: PasskeyRefusal, ip: string): Promise<void> {
  const credentialId = typeof response === 'object' && response !== null && 'id' in response && typeof response.id === 'string' ? response.id.slice(0, 1364) : '';
  const [owner] =
    credentialId && SIGNED_REFUSALS.includes(reason as AuthenticationFailure)
      ? await (await db()).select({ id: users.id, orgId: users.orgId }).from(webauthnCredentials).innerJoin(users, eq(users.id, webauthnCredentials.userId)).where(eq(webauthnCredentials.credentialId, credentialId))
      : [];
  if (!owner) return log('sign_in.failed', { method: 'passkey', reason, ip });
  await countAttempt([passkeyRule(ip)]);
  await writeTransaction((tx) => audit(tx, { orgId: owner.orgId, actor: { kind: 'system' }, targetUserId: owner.id, action: 'sign_in.failed', detail: { method: 'passkey', reason }, ip }));
}

/**
 * Passkey sign-in: a discoverable credential with user verification, added with user verification,
 * stands for the password and the second factor at once. Refused while the address is locked; on
 * success the session follows from the returned `ready` challenge (finishSignIn), as for every
 * other sign-in.
 */
export async function signInWithPasskey(browserNonce: string, response: unknown, callbackUrl: string, ip: string): Promise<PasskeySignIn> {
  if (await lockedUntil(await db(), passkeyRule(ip).key)) {
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
    await recordFailure(response, reason, ip);
    return { ok: false, reason };
  }
  return { ok: true, token, userId: result.userId };
}
