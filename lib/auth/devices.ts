import 'server-only';
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { db, lockUser, lockUsers, writeTransaction, type Executor } from '@/db';
import { sessions, users, type SecondFactorKind, type SessionMethod } from '@/db/schema';
import { audit, type Actor } from '@/lib/audit';
import { config } from '@/lib/config';
import { adminStillActing, isLive, revokeUserSessions } from './session';
import { tokenDigest } from './tokens';
import { endTrustedBrowsers } from './trusted-browsers';
import { deviceLabel } from './user-agent';

/** One live session as the Devices tab shows it. `id` is the row's key (the digest of the cookie's token, which it cannot be turned back into). */
export interface DeviceSession {
  id: string;
  method: SessionMethod;
  secondFactor: SecondFactorKind | null;
  userAgent: string | null;
  clientAddress: string | null;
  createdAt: number;
  lastSeenAt: number;
  current: boolean;
}

/** The user's live sessions (the rule loadSession applies), the most recently active first; `currentSessionId` marks "this browser". */
export async function listSessions(userId: number, currentSessionId: string, now = Date.now()): Promise<DeviceSession[]> {
  const rows = await (await db())
    .select({ id: sessions.id, method: sessions.method, secondFactor: sessions.secondFactor, userAgent: sessions.userAgent, clientAddress: sessions.clientAddress, createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt, revokedAt: sessions.revokedAt })
    .from(sessions)
    // Past the maximum lifetime nothing is live: those rows are not even read.
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.createdAt, now - config().sessionMaxMs)))
    .orderBy(desc(sessions.lastSeenAt), desc(sessions.createdAt));
  const currentId = tokenDigest(currentSessionId);
  return rows.filter((row) => isLive(row, now)).map(({ revokedAt: _, ...row }) => ({ ...row, current: row.id === currentId }));
}

/**
 * Ends one of the user's own sessions by its row key, and audits which (`session.revoked`). Only a
 * row of `userId` can match: another user's key, forged into the form, ends nothing. Returns what
 * was ended (with whether it was the caller's own), or null when nothing was.
 */
export async function endOwnSession(userId: number, rowId: string, ctx: { orgId: number; currentSessionId: string; ip: string | null }) {
  return writeTransaction(async (tx) => {
    const [ended] = await tx
      .update(sessions)
      .set({ revokedAt: Date.now() })
      .where(and(eq(sessions.id, rowId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
      .returning({ userAgent: sessions.userAgent, createdAt: sessions.createdAt, clientAddress: sessions.clientAddress });
    if (!ended) return null;
    const current = rowId === tokenDigest(ctx.currentSessionId);
    const detail = { device: deviceLabel(ended.userAgent), signedInAt: new Date(ended.createdAt).toISOString(), clientAddress: ended.clientAddress, current };
    await audit(tx, { orgId: ctx.orgId, actor: { kind: 'user', userId }, targetUserId: userId, action: 'session.revoked', detail, ip: ctx.ip });
    return { ...ended, current };
  });
}

/**
 * "Sign out everywhere": the one place that ends all of a user's sessions (or all but `except`, the
 * caller's own session id) on request, and audits it — `sessions.revoked_others` when one is kept,
 * else `sessions.revoked_all`. Runs in the caller's transaction, under the user's row lock, so a
 * sign-in finishing at the same moment either is ended too or starts after. Returns how many live
 * sessions ended.
 */
export async function endSessions(tx: Executor, userId: number, options: { except?: string; keepTrusted?: string | null; actor: Actor; orgId: number; ip: string | null }): Promise<number> {
  await lockUser(tx, userId);
  const count = await revokeUserSessions(tx, userId, options.except);
  // Trusted browsers end with the sessions: what signed in elsewhere must not come back with the
  // password alone. "Everywhere else" keeps this browser's own trust (keepTrusted: its row id).
  await endTrustedBrowsers(tx, userId, options.except ? options.keepTrusted : null);
  await audit(tx, { orgId: options.orgId, actor: options.actor, targetUserId: userId, action: options.except ? 'sessions.revoked_others' : 'sessions.revoked_all', detail: { count }, ip: options.ip });
  return count;
}

export type SignOutEverywhereOutcome = { ended: number } | { refused: 'not_found' | 'no_longer_admin' };

/**
 * An admin (of the user's organization, re-checked in the transaction after the step-up) or the
 * operator ends every session of a user. An admin may do it to themselves: their own session ends too.
 */
export async function signOutEverywhere(userId: number, ctx: { actor: Actor; orgId: number; ip: string | null }): Promise<SignOutEverywhereOutcome> {
  const { actor } = ctx;
  return writeTransaction(async (tx) => {
    await lockUsers(tx, actor.kind === 'user' ? [userId, actor.userId] : [userId]);
    const [user] = await tx.select({ orgId: users.orgId }).from(users).where(eq(users.id, userId));
    if (!user || user.orgId !== ctx.orgId) return { refused: 'not_found' as const };
    if (!(await adminStillActing(tx, actor, ctx.orgId))) return { refused: 'no_longer_admin' as const };
    return { ended: await endSessions(tx, userId, { actor, orgId: ctx.orgId, ip: ctx.ip }) };
  });
}
