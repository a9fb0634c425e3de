import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { db, lockOrganization, writeTransaction } from '@/db';
import { organizations, users } from '@/db/schema';
import { audit, type Actor } from '@/lib/audit';
import { adminStillActing } from '@/lib/auth/session';

export async function graceDays(orgId: number): Promise<number> {
  const [org] = await (await db()).select({ days: organizations.twoFactorGraceDays }).from(organizations).where(eq(organizations.id, orgId));
  return org?.days ?? 0;
}

/**
 * Sets the organization's grace period for required 2FA (0–30 days), audited with before and after.
 * It applies to the policy and to per-user requirements alike, and to clocks already running: a
 * lower number can end a grace period at once (the sessions of those users then end on their next
 * request). Sign-ins in progress of users without 2FA were decided under the old number: they are
 * refused, as after a policy change.
 */
export async function setGraceDays(orgId: number, days: number, actor: Actor, ip: string | null = null, steppedUp = false): Promise<{ changed: boolean } | { refused: true } | { needsStepUp: true }> {
  if (!Number.isInteger(days) || days < 0 || days > 30) throw new RangeError('grace days must be a whole number from 0 to 30');
  return writeTransaction(async (tx) => {
    await lockOrganization(tx, orgId);
    if (!(await adminStillActing(tx, actor, orgId))) return { refused: true };
    const [org] = await tx.select({ days: organizations.twoFactorGraceDays }).from(organizations).where(eq(organizations.id, orgId));
    if (!org || org.days === days) return { changed: false };
    // More days let users who owe 2FA (an overdue one included) sign in without it for longer: the
    // admin steps up, decided again under the organization's lock. The operator's CLI needs none.
    if (days > org.days && !steppedUp && actor.kind === 'user') return { needsStepUp: true };
    await tx.update(organizations).set({ twoFactorGraceDays: days }).where(eq(organizations.id, orgId));
    await tx
      .update(users)
      .set({ credentialsVersion: sql`${users.credentialsVersion} + 1` })
      .where(and(eq(users.orgId, orgId), eq(users.twoFactorState, 'none')));
    await audit(tx, { orgId, actor, action: 'org.two_factor_grace_changed', detail: { from: org.days, to: days }, ip });
    return { changed: true };
  });
}
