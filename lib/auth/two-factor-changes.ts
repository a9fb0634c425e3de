import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { type Executor, lockOrganization, lockUser, lockUsers, writeTransaction } from '@/db';
import { organizations, pendingEnrollments, recoveryCodes, users, webauthnChallenges, webauthnCredentials, type TwoFactorPolicy } from '@/db/schema';
import { audit, type Actor } from '@/lib/audit';
import { deleteUserChallenges } from './challenge';
import { replaceRecoveryCodes } from './enrollment';
import { hasSecondFactor, isTwoFactorRequired, type TwoFactorSubject } from './policy';
import { adminStillActing, revokeUserSessions, sessionStillLive } from './session';
import { clearThrottleState } from './throttle';
import { removeKey } from './webauthn-keys';
import { endTrustedBrowsers } from './trusted-browsers';

export interface ChangeContext {
  actor: Actor;
  orgId: number;
  ip: string | null;
  /** The caller's own session, which survives a change the user makes themselves. */
  sessionId?: string;
}

/** Why a change the user asked for was refused when re-checked inside its transaction. */
export type Refusal = 'signed_out' | 'off' | 'required' | 'not_allowed' | 'not_found';

/**
 * The user's own change re-checks, inside its write transaction, what was checked before the slow
 * password step: the session still live, and 2FA's state and the policy still allowing it.
 */
export async function recheck(
  tx: Executor,
  userId: number,
  ctx: ChangeContext,
  allows: (user: TwoFactorSubject, policy: TwoFactorPolicy) => Refusal | null,
): Promise<Refusal | null> {
  const { sessionId } = ctx;
  // Held until commit: what is re-checked here cannot change before the change is written. The
  // policy too: a policy raised meanwhile waits for this change and then sees it (and ends the session).
  await lockOrganization(tx, ctx.orgId, 'shared');
  await lockUser(tx, userId);
  if (sessionId === undefined || !(await sessionStillLive(tx, sessionId, userId))) return 'signed_out';
  const [row] = await tx
    .select({ signInMethod: users.signInMethod, twoFactorRequired: users.twoFactorRequired, totpEnabledAt: users.totpEnabledAt, webauthnKeyCount: users.webauthnKeyCount, policy: organizations.twoFactorPolicy })
    .from(users)
    .innerJoin(organizations, eq(organizations.id, users.orgId))
    .where(eq(users.id, userId));
  return row ? allows(row, row.policy) : 'signed_out';
}

/** New recovery codes; the old ones stop working at once. */
export async function regenerateRecoveryCodes(userId: number, ctx: ChangeContext): Promise<{ codes: string[] } | { refused: Refusal }> {
  return writeTransaction(async (tx) => {
    const refused = await recheck(tx, userId, ctx, (user, policy) => (!hasSecondFactor(user) ? 'off' : policy === 'off' ? 'not_allowed' : null));
    if (refused) return { refused };
    const codes = await replaceRecoveryCodes(tx, userId);
    await tx.update(users).set({ twoFactorVersion: sql`${users.twoFactorVersion} + 1`, credentialsVersion: sql`${users.credentialsVersion} + 1` }).where(eq(users.id, userId));
    await revokeUserSessions(tx, userId, ctx.sessionId);
    await deleteUserChallenges(tx, userId);
    await endTrustedBrowsers(tx, userId);
    await audit(tx, { orgId: ctx.orgId, actor: ctx.actor, targetUserId: userId, action: '2fa.recovery_codes_regenerated', ip: ctx.ip });
    return { codes };
  });
}

/** The authenticator app goes; `everything`: the keys, recovery codes and open WebAuthn challenges too (2FA off). */
function removeFactors(userId: number, everything: boolean) {
  return async (tx: Executor) => {
    const codes = everything ? { recoveryCodesLeft: 0, webauthnKeyCount: 0 } : {};
    await tx
      .update(users)
      .set({ totpSecret: null, totpEnabledAt: null, totpLastUsedAt: null, ...codes, twoFactorVersion: sql`${users.twoFactorVersion} + 1`, credentialsVersion: sql`${users.credentialsVersion} + 1` })
      .where(eq(users.id, userId));
    if (everything) {
      await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
      await tx.delete(webauthnCredentials).where(eq(webauthnCredentials.userId, userId));
      await tx.delete(webauthnChallenges).where(eq(webauthnChallenges.userId, userId));
    }
    await tx.delete(pendingEnrollments).where(eq(pendingEnrollments.userId, userId));
    await deleteUserChallenges(tx, userId);
    await endTrustedBrowsers(tx, userId);
  };
}

/** The last second factor may go only when 2FA is not required; while keys remain, the app may. */
const mayRemoveApp = (user: TwoFactorSubject, policy: TwoFactorPolicy): Refusal | null =>
  user.totpEnabledAt === null ? 'off' : user.webauthnKeyCount === 0 && isTwoFactorRequired(user, policy) ? 'required' : null;

/**
 * The user removes the authenticator app (re-checked inside the transaction). With keys left, 2FA
 * and the recovery codes stay; without, this turns 2FA off, which is refused while it is required.
 */
export async function disableTwoFactor(userId: number, ctx: ChangeContext): Promise<Refusal | null> {
  return writeTransaction(async (tx) => {
    let keysLeft = 0;
    const refused = await recheck(tx, userId, ctx, (user, policy) => ((keysLeft = user.webauthnKeyCount), mayRemoveApp(user, policy)));
    if (refused) return refused;
    await removeFactors(userId, keysLeft === 0)(tx);
    await revokeUserSessions(tx, userId, ctx.sessionId);
    await audit(tx, { orgId: ctx.orgId, actor: ctx.actor, targetUserId: userId, action: keysLeft === 0 ? '2fa.disabled' : '2fa.app_removed', ip: ctx.ip });
    return null;
  });
}

/**
 * The user removes one of their keys (re-checked inside the transaction). The last second factor
 * going turns 2FA off: refused while it is required, and the recovery codes go with it.
 */
export async function removeOwnKey(userId: number, credentialId: string, ctx: ChangeContext): Promise<Refusal | null> {
  return writeTransaction(async (tx) => {
    let last = false;
    const refused = await recheck(tx, userId, ctx, (user, policy) => {
      last = user.totpEnabledAt === null && user.webauthnKeyCount <= 1;
      return user.webauthnKeyCount === 0 ? 'not_found' : last && isTwoFactorRequired(user, policy) ? 'required' : null;
    });
    if (refused) return refused;
    if (!(await removeKey(userId, credentialId, { actor: ctx.actor, ip: ctx.ip, sessionId: ctx.sessionId }))) return 'not_found';
    if (last) {
      await removeFactors(userId, true)(tx);
      await audit(tx, { orgId: ctx.orgId, actor: ctx.actor, targetUserId: userId, action: '2fa.disabled', detail: { lastKey: true }, ip: ctx.ip });
    }
    return null;
  });
}

/**
 * Admin or operator reset: secret, keys, codes, pending enrollment, open challenges and throttle
 * state go; every session of the user ends. Returns false when the user is not in `orgId`, or the acting
 * admin's session ended (or they stopped being an admin) meanwhile.
 */
export async function resetTwoFactor(userId: number, ctx: ChangeContext & { reason?: string }): Promise<boolean> {
  return writeTransaction(
    async (tx) => {
      await lockUsers(tx, ctx.actor.kind === 'user' ? [userId, ctx.actor.userId] : [userId]);
      const [target] = await tx.select({ orgId: users.orgId }).from(users).innerJoin(organizations, eq(organizations.id, users.orgId)).where(eq(users.id, userId));
      if (!target || target.orgId !== ctx.orgId || !(await adminStillActing(tx, ctx.actor, ctx.orgId))) return false;
      await removeFactors(userId, true)(tx);
      await clearThrottleState(tx, `2fa:user:${userId}`);
      // Lifts the hard cap on second-factor failures (see isSecondFactorSuspended).
      await tx.update(users).set({ secondFactorFailures: 0 }).where(eq(users.id, userId));
      await revokeUserSessions(tx, userId);
      await audit(tx, { orgId: ctx.orgId, actor: ctx.actor, targetUserId: userId, action: '2fa.reset', detail: ctx.reason ? { reason: ctx.reason } : undefined, ip: ctx.ip });
      return true;
    }
  );
}
