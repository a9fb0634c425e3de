import 'server-only';
import { eq, inArray } from 'drizzle-orm';
import { type Executor, db, writeTransaction } from '@/db';
import { organizations, throttleHits, users, webauthnCredentials } from '@/db/schema';
import { addressKey } from '@/lib/address-key';
import { audit } from '@/lib/audit';
import { config } from '@/lib/config';
import { log } from '@/lib/log';
import { createChallenge } from './challenge';
import { isSecondFactorSuspended, secondFactorRule } from './second-factor';
import { clearAttempts, countAttempt, type ThrottleRule } from './throttle';
import { verifyAuthentication, type AuthenticationFailure, type VerifiedAssertion } from './webauthn-authentication';

/**
 * Failed passkey sign-ins count per client address only (the password step's address limit and
 * window), never per user, email or key: nobody can lock an account this way, and at worst an
 * address loses the passkey button for a while; the password and second step stay open to it.
 * An assertion cannot be guessed; the limit only bounds the work one address can cause.
 */
export function passkeyRule(ip: string): ThrottleRule {
  const { ipFailures, windowMs, lockMs } = config().password;
  return { key: `passkey:ip:${addressKey(ip)}`, limit: ipFailures, windowMs, lockMs };
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
  const token = await createChallenge(verified.userId, 'ready', callbackUrl, user.credentialsVersion, now);
  await clearAttempts(tx, [secondFactorRule(verified.userId).key]);
  await tx.update(users).set({ secondFactorFailures: 0 }).where(eq(users.id, verified.userId));
  const actor = { kind: 'user' as const, userId: verified.userId };
  await audit(tx, { orgId: user.orgId, actor, targetUserId: verified.userId, action: 'sign_in', detail: { method: 'passkey', secondFactor: 'webauthn', credentialId: verified.credentialId }, ip });
  return token;
}

/** A refused assertion for a key that exists is audited for its owner; any other only logged. */
async function recordFailure(response: unknown, reason: PasskeyRefusal, ip: string): Promise<void> {
  const credentialId = typeof response === 'object' && response !== null && 'id' in response && typeof response.id === 'string' ? response.id.slice(0, 1364) : '';
  const [owner] = credentialId
    ? await (await db()).select({ id: users.id, orgId: users.orgId }).from(webauthnCredentials).innerJoin(users, eq(users.id, webauthnCredentials.userId)).where(eq(webauthnCredentials.credentialId, credentialId))
    : [];
  if (!owner) return log('sign_in.failed', { method: 'passkey', reason, ip });
  await writeTransaction((tx) => audit(tx, { orgId: owner.orgId, actor: { kind: 'system' }, targetUserId: owner.id, action: 'sign_in.failed', detail: { method: 'passkey', reason }, ip }));
}

/**
 * Passkey sign-in: a discoverable credential with user verification stands for the password and
 * the second factor at once. Counted per address before the check; on success the session follows
 * from the returned `ready` challenge (finishSignIn), as for every other sign-in.
 */
export async function signInWithPasskey(browserNonce: string, response: unknown, callbackUrl: string, ip: string): Promise<PasskeySignIn> {
  const attempt = await countAttempt([passkeyRule(ip)]);
  if ('lockedUntil' in attempt) {
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
      // A success does not count against the address.
      if (token) await tx.delete(throttleHits).where(inArray(throttleHits.id, attempt.hitIds));
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
