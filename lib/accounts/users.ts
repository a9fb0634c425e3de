import 'server-only';
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import { db, lockUser, lockUsers, writeTransaction, type Executor } from '@/db';
import { organizations, pendingEnrollments, users, type Locale, type TwoFactorPolicy } from '@/db/schema';
import { audit, type Actor } from '@/lib/audit';
import { deleteUserChallenges } from '@/lib/auth/challenge';
import { revokeAccountTokens } from '@/lib/auth/account-tokens';
import { hashPassword } from '@/lib/auth/password';
import { tokenDigest } from '@/lib/auth/tokens';
import { adminStillActing, revokeUserSessions, sessionStillLive } from '@/lib/auth/session';
import { endGrace } from '@/lib/auth/grace';
import { isTwoFactorRequired } from '@/lib/auth/policy';
import type { NewUser } from '@/lib/validation/accounts';
// At most this many users per bulk requirement (one form post, one transaction).
import { BULK_REQUIRE_MAX } from '@/lib/validation/forms';
import { message } from '@/lib/i18n/keys';
import { AccountError, endSessionsOfNewlyRequired, findOrganization } from './organizations';
import { endTrustedBrowsers } from '@/lib/auth/trusted-browsers';

export async function createUser(input: NewUser, actor: Actor, ip: string | null = null) {
  const org = await findOrganization(input.org);
  if (!org) throw new AccountError(message('Cli.account.noOrganization', { slug: input.org }));
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  return writeTransaction(async (tx) => {
    // The unique email decides between two creations at once, on any instance.
    const [user] = await tx
      .insert(users)
      .values({ orgId: org.id, email: input.email, name: input.name, role: input.role, signInMethod: input.method, passwordHash })
      .onConflictDoNothing({ target: users.email })
      .returning({ id: users.id });
    if (!user) throw new AccountError(message('Cli.account.emailTaken', { email: input.email }));
    await audit(tx, { orgId: org.id, actor, targetUserId: user.id, action: 'user.created', detail: { email: input.email, role: input.role, method: input.method }, ip });
    return { id: user.id, orgId: org.id, email: input.email, name: input.name, role: input.role, method: input.method };
  });
}

export async function findUserByEmail(email: string) {
  const [user] = await (await db())
    .select({ id: users.id, orgId: users.orgId, email: users.email, name: users.name, role: users.role, signInMethod: users.signInMethod, twoFactorRequired: users.twoFactorRequired, totpEnabledAt: users.totpEnabledAt, webauthnKeyCount: users.webauthnKeyCount, policy: organizations.twoFactorPolicy })
    .from(users)
    .innerJoin(organizations, eq(organizations.id, users.orgId))
    .where(eq(users.email, email));
  return user;
}

export async function listUsers(orgId: number) {
  return (await db())
    .select({ id: users.id, email: users.email, name: users.name, role: users.role, signInMethod: users.signInMethod, twoFactorRequired: users.twoFactorRequired, totpEnabledAt: users.totpEnabledAt, webauthnKeyCount: users.webauthnKeyCount, recoveryCodesLeft: users.recoveryCodesLeft, lastSignInAt: users.lastSignInAt, secondFactorFailures: users.secondFactorFailures, invitedAt: users.invitedAt, deactivatedAt: users.deactivatedAt, twoFactorGraceStartedAt: users.twoFactorGraceStartedAt })
    .from(users)
    .where(eq(users.orgId, orgId))
    .orderBy(asc(users.email));
}

/** Sets the per-user "2FA required" flag; a user it newly requires is signed out everywhere. */
export async function setUserTwoFactorRequired(userId: number, required: boolean, actor: Actor, ip: string | null = null) {
  return writeTransaction(
    async (tx) => {
      await lockUsers(tx, actor.kind === 'user' ? [userId, actor.userId] : [userId]);
      const [user] = await tx
        .select({ id: users.id, orgId: users.orgId, signInMethod: users.signInMethod, twoFactorRequired: users.twoFactorRequired, totpEnabledAt: users.totpEnabledAt, webauthnKeyCount: users.webauthnKeyCount, policy: organizations.twoFactorPolicy })
        .from(users)
        .innerJoin(organizations, eq(organizations.id, users.orgId))
        .where(eq(users.id, userId));
      if (!user) throw new AccountError('Cli.account.noUser');
      if (user.signInMethod !== 'password') throw new AccountError('Cli.account.ssoTwoFactor');
      if (!(await adminStillActing(tx, actor, user.orgId))) return { changed: false, sessionsEnded: 0, refused: true };
      if (user.twoFactorRequired === required) return { changed: false, sessionsEnded: 0 };
      const sessionsEnded = await applyTwoFactorRequired(tx, user, required, actor, ip);
      return { changed: true, sessionsEnded };
    }
  );
}

type RequiredSubject = { id: number; orgId: number; signInMethod: 'password' | 'sso'; twoFactorRequired: boolean; totpEnabledAt: number | null; webauthnKeyCount: number; policy: TwoFactorPolicy };

/**
 * One user's flag changed (in the caller's transaction, their row locked): a user it newly requires
 * who has no 2FA is signed out everywhere (1 returned, else 0), and it is audited for them.
 */
async function applyTwoFactorRequired(tx: Executor, user: RequiredSubject, required: boolean, actor: Actor, ip: string | null, detail: Record<string, unknown> = {}): Promise<number> {
  await tx.update(users).set({ twoFactorRequired: required, credentialsVersion: sql`${users.credentialsVersion} + 1` }).where(eq(users.id, user.id));
  const newly = isTwoFactorRequired({ ...user, twoFactorRequired: required }, user.policy) && !isTwoFactorRequired(user, user.policy);
  const sessionsEnded = newly ? await endSessionsOfNewlyRequired(tx, [user]) : 0;
  // No longer required of them: their grace clock goes, and a new requirement starts a new one.
  if (!isTwoFactorRequired({ ...user, twoFactorRequired: required }, user.policy)) await endGrace(tx, user.id);
  await audit(tx, { orgId: user.orgId, actor, targetUserId: user.id, action: required ? 'user.2fa_required' : 'user.2fa_not_required', detail: { sessionsEnded, ...detail }, ip });
  return sessionsEnded;
}


export interface BulkRequireResult {
  /** The users whose flag was set, and those of them signed out to set 2FA up at their next sign-in. */
  changed: { id: number; name: string }[];
  signedOut: { id: number; name: string }[];
  /** Left as they were: SSO users (their identity provider handles 2FA), users already required, the acting admin. */
  skipped: { sso: number; alreadyRequired: number; self: number };
  /** Ids that are no user of the organization (deleted meanwhile, or never were): nothing was changed. */
  unknown: number[];
}

/**
 * "Require 2FA" for several users of one organization at once, in one transaction, with the single
 * change's rules (applyTwoFactorRequired: the same audit event per user, the same sign-out). Ids
 * outside the organization refuse the whole request: nothing changes.
 */
export async function requireTwoFactorForUsers(orgId: number, userIds: number[], actor: Actor, ip: string | null = null): Promise<BulkRequireResult | { refused: true }> {
  const ids = [...new Set(userIds)];
  if (ids.length > BULK_REQUIRE_MAX) throw new AccountError(message('Cli.account.tooMany', { max: BULK_REQUIRE_MAX }));
  return writeTransaction(async (tx) => {
    // Only the organization's own rows are locked: ids of other organizations are refused below, untouched.
    const own = ids.length ? (await tx.select({ id: users.id }).from(users).where(and(eq(users.orgId, orgId), inArray(users.id, ids)))).map((u) => u.id) : [];
    await lockUsers(tx, actor.kind === 'user' ? [...own, actor.userId] : own);
    const found = ids.length
      ? await tx
          .select({ id: users.id, name: users.name, orgId: users.orgId, signInMethod: users.signInMethod, twoFactorRequired: users.twoFactorRequired, totpEnabledAt: users.totpEnabledAt, webauthnKeyCount: users.webauthnKeyCount, policy: organizations.twoFactorPolicy })
          .from(users)
          .innerJoin(organizations, eq(organizations.id, users.orgId))
          .where(and(eq(users.orgId, orgId), inArray(users.id, ids)))
      : [];
    if (!(await adminStillActing(tx, actor, orgId))) return { refused: true };
    const result: BulkRequireResult = { changed: [], signedOut: [], skipped: { sso: 0, alreadyRequired: 0, self: 0 }, unknown: ids.filter((id) => !found.some((u) => u.id === id)) };
    if (result.unknown.length) return result;
    for (const user of [...found].sort((a, b) => a.id - b.id)) {
      if (actor.kind === 'user' && user.id === actor.userId) result.skipped.self += 1;
      else if (user.signInMethod !== 'password') result.skipped.sso += 1;
      else if (user.twoFactorRequired) result.skipped.alreadyRequired += 1;
      else {
        result.changed.push({ id: user.id, name: user.name });
        if (await applyTwoFactorRequired(tx, user, true, actor, ip, { bulk: true })) result.signedOut.push({ id: user.id, name: user.name });
      }
    }
    return result;
  });
}

export async function findUserById(userId: number) {
  const [user] = await (await db()).select({ id: users.id, orgId: users.orgId, email: users.email, name: users.name }).from(users).where(eq(users.id, userId));
  return user;
}

/**
 * Sets a new password: the user's other sessions and pending sign-ins end. Returns false, changing
 * nothing, when the caller's session ended while the new password was being hashed.
 */
/**
 * The user's interface language (null: follow the browser). Audited only when it changes; a
 * session that ended meanwhile changes nothing. Returns false when the session is gone.
 */
export async function setUserLocale(userId: number, locale: Locale | null, ctx: { orgId: number; ip: string | null; sessionId: string }): Promise<boolean> {
  return writeTransaction(async (tx) => {
    await lockUser(tx, userId);
    if (!(await sessionStillLive(tx, ctx.sessionId, userId))) return false;
    const [row] = await tx.select({ locale: users.locale }).from(users).where(eq(users.id, userId));
    if ((row?.locale ?? null) === locale) return true;
    await tx.update(users).set({ locale }).where(eq(users.id, userId));
    await audit(tx, { orgId: ctx.orgId, actor: { kind: 'user', userId }, targetUserId: userId, action: 'user.locale_changed', detail: { locale, from: row?.locale ?? null }, ip: ctx.ip });
    return true;
  });
}

export async function changePassword(userId: number, newPassword: string, ctx: { orgId: number; ip: string | null; sessionId: string }): Promise<boolean> {
  const passwordHash = await hashPassword(newPassword);
  return writeTransaction(async (tx) => {
    await lockUser(tx, userId);
    if (!(await sessionStillLive(tx, ctx.sessionId, userId))) return false;
    await tx.update(users).set({ passwordHash, credentialsVersion: sql`${users.credentialsVersion} + 1` }).where(eq(users.id, userId));
    await revokeUserSessions(tx, userId, ctx.sessionId);
    await deleteUserChallenges(tx, userId);
    await endTrustedBrowsers(tx, userId);
    // A reset link asked for before (perhaps by whoever reads the mailbox) dies with the old password.
    await revokeAccountTokens(tx, userId, 'password_reset');
    // A setup another session started goes with it: its confirmation, perhaps waiting for this lock, finds nothing.
    await tx.delete(pendingEnrollments).where(and(eq(pendingEnrollments.userId, userId), ne(pendingEnrollments.owner, tokenDigest(ctx.sessionId))));
    await audit(tx, { orgId: ctx.orgId, actor: { kind: 'user', userId }, targetUserId: userId, action: 'password.changed', ip: ctx.ip });
    return true;
  });
}
