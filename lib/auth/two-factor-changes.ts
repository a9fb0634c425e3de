import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { type Executor, lockOrganization, lockUser, lockUsers, writeTransaction } from '@/db';
import { organizations, pendingEnrollments, recoveryCodes, users, type TwoFactorPolicy } from '@/db/schema';
import { audit, type Actor } from '@/lib/audit';
import { deleteUserChallenges } from './challenge';
import { replaceRecoveryCodes } from './enrollment';
import { isTwoFactorRequired, type TwoFactorSubject } from './policy';
import { adminStillActing, revokeUserSessions, sessionStillLive } from './session';
import { clearThrottleState } from './throttle';

interface ChangeContext {
  actor: Actor;
  orgId: number;
  ip: string | null;
  /** The caller's own session, which survives a change the user makes themselves. */
  sessionId?: string;
}

/** Why a change the user asked for was refused when re-checked inside its transaction. */
export type Refusal = 'signed_out' | 'off' | 'required' | 'not_allowed';

/**
 * The user's own change re-checks, inside its write transaction, what was checked before the slow
 * password step: the session still live, and 2FA's state and the policy still allowing it.
 */
async function recheck(
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
    .select({ signInMethod: users.signInMethod, twoFactorRequired: users.twoFactorRequired, totpEnabledAt: users.totpEnabledAt, policy: organizations.twoFactorPolicy })
    .from(users)
    .innerJoin(organizations, eq(organizations.id, users.orgId))
    .where(eq(users.id, userId));
  return row ? allows(row, row.policy) : 'signed_out';
}

/** New recovery codes; the old ones stop working at once. */
export async function regenerateRecoveryCodes(userId: number, ctx: ChangeContext): Promise<{ codes: string[] } | { refused: Refusal }> {
  return writeTransaction(async (tx) => {
    const refused = await recheck(tx, userId, ctx, (user, policy) => (user.totpEnabledAt === null ? 'off' : policy === 'off' ? 'not_allowed' : null));
    if (refused) return { refused };
    const codes = await replaceRecoveryCodes(tx, userId);
    await tx.update(users).set({ twoFactorVersion: sql`${users.twoFactorVersion} + 1`, credentialsVersion: sql`${users.credentialsVersion} + 1` }).where(eq(users.id, userId));
    await revokeUserSessions(tx, userId, ctx.sessionId);
    await deleteUserChallenges(tx, userId);
    await audit(tx, { orgId: ctx.orgId, actor: ctx.actor, targetUserId: userId, action: '2fa.recovery_codes_regenerated', ip: ctx.ip });
    return { codes };
  });
}

function removeTwoFactor(userId: number) {
  return async (tx: Executor) => {
    await tx
      .update(users)
      .set({ totpSecret: null, totpEnabledAt: null, totpLastUsedAt: null, recoveryCodesLeft: 0, twoFactorVersion: sql`${users.twoFactorVersion} + 1`, credentialsVersion: sql`${users.credentialsVersion} + 1` })
      .where(eq(users.id, userId));
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
    await tx.delete(pendingEnrollments).where(eq(pendingEnrollments.userId, userId));
    await deleteUserChallenges(tx, userId);
  };
}

/** The user turns 2FA off, unless it is required of them (re-checked here, inside the transaction). */
export async function disableTwoFactor(userId: number, ctx: ChangeContext): Promise<Refusal | null> {
  return writeTransaction(async (tx) => {
    const refused = await recheck(tx, userId, ctx, (user, policy) => (user.totpEnabledAt === null ? 'off' : isTwoFactorRequired(user, policy) ? 'required' : null));
    if (refused) return refused;
    await removeTwoFactor(userId)(tx);
    await revokeUserSessions(tx, userId, ctx.sessionId);
    await audit(tx, { orgId: ctx.orgId, actor: ctx.actor, targetUserId: userId, action: '2fa.disabled', ip: ctx.ip });
    return null;
  });
}

/**
 * Admin or operator reset: secret, codes, pending enrollment, open challenges and throttle state
 * go; every session of the user ends. Returns false when the user is not in `orgId`, or the acting
 * admin's session ended (or they stopped being an admin) meanwhile.
 */
export async function resetTwoFactor(userId: number, ctx: ChangeContext & { reason?: string }): Promise<boolean> {
  return writeTransaction(
    async (tx) => {
      await lockUsers(tx, ctx.actor.kind === 'user' ? [userId, ctx.actor.userId] : [userId]);
      const [target] = await tx.select({ orgId: users.orgId }).from(users).innerJoin(organizations, eq(organizations.id, users.orgId)).where(eq(users.id, userId));
      if (!target || target.orgId !== ctx.orgId || !(await adminStillActing(tx, ctx.actor, ctx.orgId))) return false;
      await removeTwoFactor(userId)(tx);
      await clearThrottleState(tx, `2fa:user:${userId}`);
      // Lifts the hard cap on second-factor failures (see isSecondFactorSuspended).
      await tx.update(users).set({ secondFactorFailures: 0 }).where(eq(users.id, userId));
      await revokeUserSessions(tx, userId);
      await audit(tx, { orgId: ctx.orgId, actor: ctx.actor, targetUserId: userId, action: '2fa.reset', detail: ctx.reason ? { reason: ctx.reason } : undefined, ip: ctx.ip });
      return true;
    }
  );
}
