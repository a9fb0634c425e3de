import { and, count, eq, isNull } from 'drizzle-orm';
import { db } from '@/db';
import { auditEvents, organizations, sessions, users } from '@/db/schema';

/** How many live (unrevoked) session rows a user has. */
export function liveSessions(userId: number): number {
  return db().select({ n: count() }).from(sessions).where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt))).get()!.n;
}

export function auditActions(userId: number): string[] {
  return db().select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.targetUserId, userId)).all().map((r) => r.action);
}

export function userRow(userId: number) {
  return db().select().from(users).where(eq(users.id, userId)).get()!;
}

/** Changes the policy of a user's organization directly (as an operator would), without signing anyone out. */
export function setOrganizationPolicyForUser(userId: number, policy: 'off' | 'optional' | 'required') {
  const { orgId } = userRow(userId);
  db().update(organizations).set({ twoFactorPolicy: policy }).where(eq(organizations.id, orgId)).run();
}

export function organizationPolicy(orgId: number) {
  return db().select({ policy: organizations.twoFactorPolicy }).from(organizations).where(eq(organizations.id, orgId)).get()!.policy;
}
