import 'server-only';
import { and, eq, isNull, ne } from 'drizzle-orm';
import { db, lockUser, writeTransaction, type Executor } from '@/db';
import { deleteOldest } from '@/db/dialect';
import { organizations, sessions, users, type Locale, type SecondFactorKind, type SessionMethod, type SignInMethod } from '@/db/schema';
import { audit, type Actor } from '@/lib/audit';
import { config } from '@/lib/config';
import { deleteUserChallenges } from './challenge';
import { graceStanding } from './policy';
import type { RequestDevice } from '@/lib/request';
import { newToken, tokenDigest } from './tokens';

/** For the Devices tab: the second factor the sign-in passed, and the browser and address it came from. */
export interface SessionOrigin {
  secondFactor?: SecondFactorKind | null;
  device?: RequestDevice;
}

/**
 * A session is swept once it began longer ago than its lifetime and this much more: then it is past
 * the absolute limit (isLive) of every instance whose DESKGATE_SESSION_MAX_SECONDS and clock are
 * within a day of this one's (instances of a rolling change, or a test server with short limits,
 * sharing the database). Its start never moves, so it never becomes usable again.
 */
const SESSION_SWEEP_MARGIN_MS = 86_400_000;

/**
 * Inserts a session row and returns the id that goes into the JWT (the row keeps its digest).
 * Sweeps a few old sessions first (SESSION_SWEEP_MARGIN_MS): a revoked or idle one goes at the
 * latest a lifetime and a day after it began.
 */
export async function createSession(tx: Executor, userId: number, method: SessionMethod, secondFactorAt: number | null, origin: SessionOrigin = {}): Promise<string> {
  const id = newToken();
  const now = Date.now();
  const { secondFactor = null, device } = origin;
  await deleteOldest(tx, sessions, sessions.id, sessions.createdAt, now - config().sessionMaxMs - SESSION_SWEEP_MARGIN_MS);
  await tx.insert(sessions).values({ id: tokenDigest(id), userId, method, createdAt: now, lastSeenAt: now, secondFactorAt, secondFactor, userAgent: device?.userAgent ?? null, clientAddress: device?.clientAddress ?? null });
  await tx.update(users).set({ lastSignInAt: now }).where(eq(users.id, userId));
  return id;
}

// Writing last-seen on every request would turn reads into writes: a quarter of the idle limit
// (at most a minute) is precise enough.
const touchEvery = () => Math.min(60_000, config().sessionIdleMs / 4);

export interface CurrentSession {
  sessionId: string;
  method: SessionMethod;
  secondFactorAt: number | null;
  user: {
    id: number;
    email: string;
    name: string;
    role: 'member' | 'admin';
    signInMethod: SignInMethod;
    twoFactorRequired: boolean;
    totpEnabledAt: number | null;
    webauthnKeyCount: number;
    recoveryCodesLeft: number;
    /** The language chosen on the profile; null follows the browser. */
    locale: Locale | null;
  };
  org: { id: number; slug: string; name: string; twoFactorPolicy: 'off' | 'optional' | 'required'; twoFactorGraceDays: number };
  /** While the user is inside their grace period for required 2FA: when it ends (the banner's date). */
  graceDeadline: number | null;
}

/** The live session for a JWT's session id, or null when revoked, idle or past its lifetime. */
export async function loadSession(sessionId: string, now = Date.now()): Promise<CurrentSession | null> {
  const digest = tokenDigest(sessionId);
  const [row] = await (await db())
    .select({
      method: sessions.method,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      secondFactorAt: sessions.secondFactorAt,
      revokedAt: sessions.revokedAt,
      user: {
        id: users.id,
        email: users.email,
        name: users.name,
        role: users.role,
        signInMethod: users.signInMethod,
        twoFactorRequired: users.twoFactorRequired,
        totpEnabledAt: users.totpEnabledAt,
        webauthnKeyCount: users.webauthnKeyCount,
        recoveryCodesLeft: users.recoveryCodesLeft,
        locale: users.locale,
      },
      graceStartedAt: users.twoFactorGraceStartedAt,
      org: {
        id: organizations.id,
        slug: organizations.slug,
        name: organizations.name,
        twoFactorPolicy: organizations.twoFactorPolicy,
        twoFactorGraceDays: organizations.twoFactorGraceDays,
      },
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(organizations, eq(organizations.id, users.orgId))
    // A deactivated user's sessions are revoked with the change; the check here makes it so on every request regardless.
    .where(and(eq(sessions.id, digest), isNull(users.deactivatedAt)));
  if (!row || !isLive(row, now)) return null;
  // A user who owes 2FA keeps a session only inside their grace period: at its deadline (or once the
  // days are lowered past it) the session ends, as a change that requires 2FA ends sessions at once.
  const standing = graceStanding(row.user, row.org.twoFactorPolicy, { days: row.org.twoFactorGraceDays, startedAt: row.graceStartedAt }, now);
  if (standing.kind === 'due' || standing.kind === 'unstarted') {
    // Ended as a policy change ends them: every session of the user, in the database (once, by whichever request sees it first).
    await writeTransaction(async (tx) => {
      await lockUser(tx, row.user.id);
      const ended = await revokeUserSessions(tx, row.user.id);
      // Sign-ins in progress end too (as a policy change ends them); the next sign-in meets the forced setup.
      await deleteUserChallenges(tx, row.user.id);
      // Audited once: by whichever request found the sessions still live.
      if (ended > 0) await audit(tx, { orgId: row.org.id, actor: { kind: 'system' }, targetUserId: row.user.id, action: 'two_factor.grace_expired', detail: { sessionsEnded: ended, deadline: standing.kind === 'due' ? standing.deadline : null }, ip: null });
    });
    return null;
  }
  if (now - row.lastSeenAt >= touchEvery()) {
    await writeTransaction((tx) => tx.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, digest)));
  }
  return { sessionId, method: row.method, secondFactorAt: row.secondFactorAt, user: row.user, org: row.org, graceDeadline: standing.kind === 'grace' ? standing.deadline : null };
}

export function isLive(row: { revokedAt: number | null; createdAt: number; lastSeenAt: number }, now: number): boolean {
  const { sessionMaxMs, sessionIdleMs } = config();
  return row.revokedAt === null && now - row.createdAt < sessionMaxMs && now - row.lastSeenAt < sessionIdleMs;
}

/**
 * Whether a user's session is still live, read inside a write transaction: a change that checked
 * the caller before a slow step (a password hash) re-checks here that nothing ended it meanwhile.
 */
export async function sessionStillLive(tx: Executor, sessionId: string, userId: number, now = Date.now()): Promise<boolean> {
  const [row] = await tx
    .select({ userId: sessions.userId, revokedAt: sessions.revokedAt, createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt })
    .from(sessions)
    .where(eq(sessions.id, tokenDigest(sessionId)));
  return row !== undefined && row.userId === userId && isLive(row, now);
}

/**
 * Whether the actor may still make an admin change in `orgId`, read inside its write transaction: the
 * slow step-up before it (a password hash) gives time for the session to end or the role to change.
 * The operator (CLI) always may; a user must act through a live session as an admin of that organization.
 */
export async function adminStillActing(tx: Executor, actor: Actor, orgId: number, now = Date.now()): Promise<boolean> {
  if (actor.kind !== 'user') return true;
  // The admin's row is locked until the change commits: a demotion waits for it, or it sees the demotion.
  await lockUser(tx, actor.userId);
  if (actor.sessionId === undefined || !(await sessionStillLive(tx, actor.sessionId, actor.userId, now))) return false;
  const [row] = await tx.select({ role: users.role, orgId: users.orgId }).from(users).where(eq(users.id, actor.userId));
  return row?.role === 'admin' && row.orgId === orgId;
}

export async function revokeSession(sessionId: string): Promise<void> {
  await writeTransaction((tx) => tx.update(sessions).set({ revokedAt: Date.now() }).where(and(eq(sessions.id, tokenDigest(sessionId)), isNull(sessions.revokedAt))));
}

/** Ends every open session of a user, or every one but `exceptSessionId`; returns how many live ones it ended. */
export async function revokeUserSessions(tx: Executor, userId: number, exceptSessionId?: string): Promise<number> {
  const where = [eq(sessions.userId, userId), isNull(sessions.revokedAt)];
  if (exceptSessionId) where.push(ne(sessions.id, tokenDigest(exceptSessionId)));
  const now = Date.now();
  const ended = await tx.update(sessions).set({ revokedAt: now }).where(and(...where)).returning({ createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt });
  // Rows already past their lifetime are closed too, but nobody could use them: they are not counted.
  return ended.filter((row) => isLive({ ...row, revokedAt: null }, now)).length;
}

