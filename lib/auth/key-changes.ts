import 'server-only';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Executor } from '@/db';
import { loginChallenges, organizations, users } from '@/db/schema';
import { deleteUserChallenges } from './challenge';
import { carrySetupChallenge, replaceRecoveryCodes } from './enrollment';
import { hasSecondFactor } from './policy';
import { markSessionSecondFactor } from './second-factor';
import { revokeUserSessions, sessionStillLive } from './session';
import { tokenDigest } from './tokens';
import type { WebAuthnBinding } from './webauthn-challenges';
import { endTrustedBrowsers } from './trusted-browsers';

/** What survives a change of the user's keys: the session or sign-in that made it. */
export interface KeyChangeOrigin {
  sessionId?: string;
  challengeToken?: string;
}

export const originOf = (binding: WebAuthnBinding): KeyChangeOrigin =>
  'sessionId' in binding ? { sessionId: binding.sessionId } : 'challengeToken' in binding ? { challengeToken: binding.challengeToken } : {};

/**
 * What every key added or removed does in its own transaction: the count two_factor_state reads,
 * both versions bumped (a stale enrollment or a sign-in in progress cannot outlive the change), the
 * user's other sessions and open sign-ins ended. Returns the new credentials version.
 */
export async function keyCountChanged(tx: Executor, userId: number, delta: 1 | -1, origin: KeyChangeOrigin): Promise<number> {
  const [row] = await tx
    .update(users)
    .set({ webauthnKeyCount: sql`${users.webauthnKeyCount} + ${delta}`, twoFactorVersion: sql`${users.twoFactorVersion} + 1`, credentialsVersion: sql`${users.credentialsVersion} + 1` })
    .where(eq(users.id, userId))
    .returning({ credentialsVersion: users.credentialsVersion });
  await revokeUserSessions(tx, userId, origin.sessionId);
  await deleteUserChallenges(tx, userId, origin.challengeToken);
  await endTrustedBrowsers(tx, userId);
  return row!.credentialsVersion;
}

/** `codes`: new recovery codes (the key is the user's first second factor); `challengeToken`: the setup sign-in's new token. */
export interface KeyAdded {
  codes?: string[];
  challengeToken?: string;
}

/**
 * In the transaction that stored a key: the first second factor brings recovery codes; the session
 * that added it counts as freshly verified; a setup sign-in carries on under a new token.
 */
export async function keyAdded(tx: Executor, userId: number, binding: WebAuthnBinding, now = Date.now()): Promise<KeyAdded> {
  const [before] = await tx.select({ totpEnabledAt: users.totpEnabledAt, webauthnKeyCount: users.webauthnKeyCount }).from(users).where(eq(users.id, userId));
  const origin = originOf(binding);
  const version = await keyCountChanged(tx, userId, 1, origin);
  const codes = before && !hasSecondFactor(before) ? await replaceRecoveryCodes(tx, userId) : undefined;
  if (origin.sessionId) await markSessionSecondFactor(tx, origin.sessionId, now);
  const challengeToken = origin.challengeToken ? await carrySetupChallenge(tx, origin.challengeToken, version, 'webauthn', now) : undefined;
  return { ...(codes && { codes }), ...(challengeToken && { challengeToken }) };
}

/**
 * Whether what asked for a registration may still add a key, read under the organization's and
 * the user's locks: a live session of a password user whose organization allows 2FA, or a setup
 * sign-in that has not set up a factor yet and saw the user's current credentials.
 */
export async function mayStillRegister(tx: Executor, userId: number, binding: WebAuthnBinding, now = Date.now()): Promise<boolean> {
  const [user] = await tx
    .select({ method: users.signInMethod, policy: organizations.twoFactorPolicy, credentialsVersion: users.credentialsVersion })
    .from(users)
    .innerJoin(organizations, eq(organizations.id, users.orgId))
    .where(eq(users.id, userId));
  if (!user || user.method !== 'password' || user.policy === 'off') return false;
  if ('sessionId' in binding) return sessionStillLive(tx, binding.sessionId, userId, now);
  if (!('challengeToken' in binding)) return false;
  const [setup] = await tx
    .select({ id: loginChallenges.id })
    .from(loginChallenges)
    .where(
      and(
        eq(loginChallenges.id, tokenDigest(binding.challengeToken)),
        eq(loginChallenges.userId, userId),
        eq(loginChallenges.purpose, 'setup'),
        isNull(loginChallenges.secondFactorAt),
        eq(loginChallenges.credentialsVersion, user.credentialsVersion),
        gt(loginChallenges.expiresAt, now),
      ),
    );
  return setup !== undefined;
}
