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

/**
 * Everything a forged or malformed request could change for these users and their organization:
 * their security columns, sessions, challenges, pending enrollments, recovery codes, and the policy.
 * Two snapshots are equal only when nothing of it changed.
 */
export function securityState(userIds: number[], orgId: number) {
  const ids = userIds.join(',');
  const all = (sql: string) => db().$client.prepare(sql).all();
  return {
    users: all(`select id, password_hash, totp_secret, totp_enabled_at, totp_last_step, two_factor_required, two_factor_version, recovery_codes_left from users where id in (${ids}) order by id`),
    sessions: all(`select user_id, revoked_at, second_factor_at from sessions where user_id in (${ids}) order by id`),
    challenges: all(`select user_id, purpose, failures from login_challenges where user_id in (${ids}) order by user_id, purpose`),
    pending: all(`select user_id, secret from pending_enrollments where user_id in (${ids}) order by user_id`),
    codes: all(`select user_id, code_hash, used_at from recovery_codes where user_id in (${ids}) order by id`),
    policy: all(`select two_factor_policy from organizations where id = ${orgId}`),
  };
}
