import { and, count, eq, isNull, sql } from 'drizzle-orm';
import { db, rawRows, writeTransaction } from '@/db';
import { auditEvents, organizations, sessions, users } from '@/db/schema';

/** How many live (unrevoked) session rows a user has. */
export async function liveSessions(userId: number): Promise<number> {
  const [row] = await (await db()).select({ n: count() }).from(sessions).where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
  return row!.n;
}

export async function auditActions(userId: number): Promise<string[]> {
  const rows = await (await db()).select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.targetUserId, userId));
  return rows.map((r) => r.action);
}

export async function userRow(userId: number) {
  const [row] = await (await db()).select().from(users).where(eq(users.id, userId));
  return row!;
}

/** Changes the policy of a user's organization directly (as an operator would), without signing anyone out. */
export async function setOrganizationPolicyForUser(userId: number, policy: 'off' | 'optional' | 'required') {
  const { orgId } = await userRow(userId);
  await writeTransaction((tx) => tx.update(organizations).set({ twoFactorPolicy: policy }).where(eq(organizations.id, orgId)));
}

export async function organizationPolicy(orgId: number) {
  const [row] = await (await db()).select({ policy: organizations.twoFactorPolicy }).from(organizations).where(eq(organizations.id, orgId));
  return row!.policy;
}

/**
 * Everything a forged or malformed request could change for these users and their organization:
 * their security columns, sessions, challenges, pending enrollments, recovery codes, and the policy.
 * Two snapshots are equal only when nothing of it changed.
 */
export async function securityState(userIds: number[], orgId: number) {
  // Numbers only, from the tests' own rows: written into the statement as they are.
  const ids = userIds.map((id) => String(Math.trunc(id))).join(',');
  const all = (statement: string) => rawRows<Record<string, unknown>>(sql.raw(statement));
  return {
    users: await all(`select id, password_hash, totp_secret, totp_enabled_at, totp_last_step, two_factor_required, two_factor_version, recovery_codes_left, invited_at, deactivated_at, locale from users where id in (${ids}) order by id`),
    sessions: await all(`select user_id, revoked_at, second_factor_at from sessions where user_id in (${ids}) order by id`),
    challenges: await all(`select user_id, purpose, failures from login_challenges where user_id in (${ids}) order by user_id, purpose`),
    pending: await all(`select user_id, secret from pending_enrollments where user_id in (${ids}) order by user_id`),
    codes: await all(`select user_id, code_hash, used_at from recovery_codes where user_id in (${ids}) order by id`),
    policy: await all(`select two_factor_policy, trusted_browsers, trusted_browser_days from organizations where id = ${Number(orgId)}`),
    trusted: await all(`select id, user_id, expires_at from trusted_browsers where user_id in (${ids}) order by id`),
    grace: await all(`select o.two_factor_grace_days, u.id, u.two_factor_grace_started_at from organizations o left join users u on u.org_id = o.id and u.id in (${ids}) where o.id = ${Number(orgId)} order by u.id`),
  };
}

/** As if the user's last app code had been accepted `minutes` ago (a sign-in yesterday, not just now). */
export async function ageLastCode(userId: number, minutes: number) {
  const step = Math.floor((Date.now() - minutes * 60_000) / 30_000);
  await writeTransaction((tx) => tx.update(users).set({ totpLastStep: step }).where(eq(users.id, userId)));
}

/**
 * Moves the start of a user's 2FA grace period `days` back, as if their first sign-in after 2FA
 * became required had been that long ago (the server's clock is left alone).
 */
export async function ageGraceStart(userId: number, days: number) {
  const [row] = await (await db()).select({ at: users.twoFactorGraceStartedAt }).from(users).where(eq(users.id, userId));
  if (row?.at == null) throw new Error(`user ${userId} has no grace period running`);
  await writeTransaction((tx) => tx.update(users).set({ twoFactorGraceStartedAt: row.at! - days * 86_400_000 }).where(eq(users.id, userId)));
}

/** Moves a user's reset links past their expiry, as 30 minutes would. */
export async function expireResetLinks(userId: number) {
  const { accountTokens } = await import('@/db/schema');
  await writeTransaction((tx) => tx.update(accountTokens).set({ expiresAt: Date.now() - 1000 }).where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, 'password_reset'))));
}
