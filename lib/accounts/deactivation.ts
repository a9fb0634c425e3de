import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { lockUsers, writeTransaction } from '@/db';
import { pendingEnrollments, users, webauthnChallenges } from '@/db/schema';
import { audit, type Actor } from '@/lib/audit';
import { revokeAccountTokens } from '@/lib/auth/account-tokens';
import { deleteUserChallenges } from '@/lib/auth/challenge';
import { adminStillActing, revokeUserSessions } from '@/lib/auth/session';
import { endTrustedBrowsers } from '@/lib/auth/trusted-browsers';

export type DeactivationOutcome = { changed: boolean } | { refused: 'not_found' | 'self' | 'no_longer_admin' };

interface Context {
  actor: Actor;
  /** The organization the admin acts in (the CLI's operator: the user's own). */
  orgId: number;
  ip: string | null;
}

/**
 * Deactivates or reactivates a user. Deactivating ends everything the user holds, at once and in
 * one transaction under their row lock: every session (a copied cookie dies on its next request),
 * pending sign-ins and step-up challenges, a setup in progress, and every mailed link of either
 * purpose (a reactivation must not revive an old one). The credentials version moves on, so a
 * sign-in that passed its password step just before cannot become a session afterwards.
 */
export async function setUserDeactivated(userId: number, deactivate: boolean, ctx: Context): Promise<DeactivationOutcome> {
  const { actor } = ctx;
  if (actor.kind === 'user' && actor.userId === userId) return { refused: 'self' };
  return writeTransaction(async (tx) => {
    await lockUsers(tx, actor.kind === 'user' ? [userId, actor.userId] : [userId]);
    const [user] = await tx.select({ orgId: users.orgId, deactivatedAt: users.deactivatedAt }).from(users).where(eq(users.id, userId));
    if (!user || user.orgId !== ctx.orgId) return { refused: 'not_found' as const };
    if (!(await adminStillActing(tx, actor, ctx.orgId))) return { refused: 'no_longer_admin' as const };
    if ((user.deactivatedAt !== null) === deactivate) return { changed: false };
    const now = Date.now();
    if (deactivate) {
      await tx.update(users).set({ deactivatedAt: now, credentialsVersion: sql`${users.credentialsVersion} + 1` }).where(eq(users.id, userId));
      await revokeUserSessions(tx, userId);
      await deleteUserChallenges(tx, userId);
      await endTrustedBrowsers(tx, userId);
      await tx.delete(webauthnChallenges).where(eq(webauthnChallenges.userId, userId));
      await tx.delete(pendingEnrollments).where(eq(pendingEnrollments.userId, userId));
      await revokeAccountTokens(tx, userId, 'invitation');
      await revokeAccountTokens(tx, userId, 'password_reset');
    } else {
      await tx.update(users).set({ deactivatedAt: null }).where(eq(users.id, userId));
    }
    await audit(tx, { orgId: ctx.orgId, actor, targetUserId: userId, action: deactivate ? 'user.deactivated' : 'user.reactivated', ip: ctx.ip });
    return { changed: true };
  });
}
