import 'server-only';
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Executor } from '@/db';
import { organizations, users } from '@/db/schema';
import { audit } from '@/lib/audit';
import { graceDeadline, graceStanding, isTwoFactorRequired } from './policy';

/**
 * In the transaction that turns a password sign-in without a second factor into a session (the
 * user's row is locked): whether the user may have that session. A user who owes 2FA may only
 * inside their grace period; the first such sign-in starts their clock (audited with its deadline).
 * The password step decided the same a moment ago: this re-check covers a deadline that passed, or
 * days that were lowered, in between.
 */
export async function admitWithoutSecondFactor(tx: Executor, userId: number, ip: string | null, now = Date.now()): Promise<boolean> {
  const [user] = await tx
    .select({
      orgId: users.orgId,
      signInMethod: users.signInMethod,
      twoFactorRequired: users.twoFactorRequired,
      totpEnabledAt: users.totpEnabledAt,
      webauthnKeyCount: users.webauthnKeyCount,
      startedAt: users.twoFactorGraceStartedAt,
      policy: organizations.twoFactorPolicy,
      days: organizations.twoFactorGraceDays,
    })
    .from(users)
    .innerJoin(organizations, eq(organizations.id, users.orgId))
    .where(eq(users.id, userId));
  if (!user) return false;
  const standing = graceStanding(user, user.policy, { days: user.days, startedAt: user.startedAt }, now);
  if (standing.kind === 'due') return false;
  if (standing.kind === 'unstarted') {
    await tx.update(users).set({ twoFactorGraceStartedAt: now }).where(eq(users.id, userId));
    await audit(tx, {
      orgId: user.orgId,
      actor: { kind: 'user', userId },
      targetUserId: userId,
      action: 'two_factor.grace_started',
      detail: { days: user.days, deadline: new Date(graceDeadline(now, user.days)).toISOString() },
      ip,
    });
  }
  return true;
}

/**
 * Forgets a user's grace clock: when they set 2FA up, and when it stops being required of them, so
 * that if it is required again later (after they disabled it, or lost it to a reset) a new clock starts.
 */
export async function endGrace(tx: Executor, userId: number): Promise<void> {
  await tx.update(users).set({ twoFactorGraceStartedAt: null }).where(and(eq(users.id, userId), isNotNull(users.twoFactorGraceStartedAt)));
}

/** The same for every member of an organization whose 2FA policy no longer requires it of them. */
export async function endGraceWhereNotRequired(tx: Executor, orgId: number): Promise<void> {
  // Under `optional` a per-user requirement keeps its clock; under `off` nothing is required.
  const members = await tx
    .select({ id: users.id, signInMethod: users.signInMethod, twoFactorRequired: users.twoFactorRequired, policy: organizations.twoFactorPolicy })
    .from(users)
    .innerJoin(organizations, eq(organizations.id, users.orgId))
    .where(and(eq(users.orgId, orgId), isNotNull(users.twoFactorGraceStartedAt)));
  for (const m of members) {
    if (!isTwoFactorRequired(m, m.policy)) await endGrace(tx, m.id);
  }
}
