import 'server-only';
import { and, eq, gt, lt, ne, sql } from 'drizzle-orm';
import { type Executor, db, lockUser, writeTransaction } from '@/db';
import { loginChallenges, users, type ChallengePurpose, type LoginChallenge, type SecondFactorKind, type SessionMethod } from '@/db/schema';
import { deleteOldest } from '@/db/dialect';
import { config } from '@/lib/config';
import { admitWithoutSecondFactor } from './grace';
import type { RequestDevice } from '@/lib/request';
import { createSession } from './session';
import { newToken, tokenDigest } from './tokens';

// A `ready` challenge lives only between the last factor and the signIn call of the same request.
const READY_MS = 60_000;

export function challengeLifetime(purpose: ChallengePurpose): number {
  if (purpose === 'verify') return config().verifyChallengeMs;
  if (purpose === 'setup') return config().setupChallengeMs;
  return READY_MS;
}

/**
 * Writes a challenge row and returns its token (the row keeps only the digest). `credentialsVersion`
 * is the user's as the password step read it: a change since then refuses the session.
 * `secondFactorAt`: a `ready` challenge whose sign-in verified a second factor (a passkey, which is
 * then its `method`); `secondFactor`: which one it passed, for the session (a trusted browser has
 * none of the time: step-up still asks). Inside a caller's transaction it is a savepoint of it (writeTransaction).
 * Sweeps a few expired challenges first (sign-ins left unfinished: nothing reads one once expired).
 */
export async function createChallenge(
  userId: number,
  purpose: ChallengePurpose,
  callbackUrl: string,
  credentialsVersion: number,
  options: { secondFactorAt?: number; method?: SessionMethod; secondFactor?: SecondFactorKind } = {},
): Promise<string> {
  const token = newToken();
  const now = Date.now();
  const row = { id: tokenDigest(token), userId, purpose, method: options.method ?? 'password', createdAt: now, expiresAt: now + challengeLifetime(purpose), callbackUrl, credentialsVersion, secondFactorAt: options.secondFactorAt ?? null, secondFactor: options.secondFactor ?? null };
  await writeTransaction(async (tx) => {
    await deleteOldest(tx, loginChallenges, loginChallenges.id, loginChallenges.expiresAt, now);
    await tx.insert(loginChallenges).values(row);
  });
  return token;
}

/** The live challenge behind a token, or null when missing or expired. */
export async function findChallenge(token: string): Promise<LoginChallenge | null> {
  const [row] = await (await db())
    .select()
    .from(loginChallenges)
    .where(and(eq(loginChallenges.id, tokenDigest(token)), gt(loginChallenges.expiresAt, Date.now())));
  return row ?? null;
}

/** Ends a challenge (cancel, used up, too many wrong codes). */
export async function deleteChallenge(tx: Executor, token: string): Promise<void> {
  await tx.delete(loginChallenges).where(eq(loginChallenges.id, tokenDigest(token)));
}

/** Ends every open challenge of a user (password or 2FA changed, admin reset), or every one but `exceptToken`'s. */
export async function deleteUserChallenges(tx: Executor, userId: number, exceptToken?: string): Promise<void> {
  const where = [eq(loginChallenges.userId, userId)];
  if (exceptToken) where.push(ne(loginChallenges.id, tokenDigest(exceptToken)));
  await tx.delete(loginChallenges).where(and(...where));
}

/**
 * Marks a challenge as fully verified under a new token, which only this request holds: the next
 * step is signIn, which consumes it. Whoever copied the challenge cookie at the password step holds
 * a token that no longer names any row. Returns the new token, or null when the challenge is gone.
 */
export async function markChallengeReady(tx: Executor, token: string, secondFactorAt: number | null, secondFactor: SecondFactorKind | null = null): Promise<string | null> {
  const ready = newToken();
  const marked = await tx
    .update(loginChallenges)
    .set({ id: tokenDigest(ready), purpose: 'ready', secondFactorAt, secondFactor, expiresAt: Date.now() + READY_MS })
    .where(and(eq(loginChallenges.id, tokenDigest(token)), gt(loginChallenges.expiresAt, Date.now()), sql`${loginChallenges.purpose} != 'ready'`))
    .returning({ id: loginChallenges.id });
  return marked.length === 1 ? ready : null;
}

/**
 * The only way to a session: consumes a `ready` challenge and creates the session row in one
 * transaction, if the user's credentials did not change since the password step (a password
 * change, a 2FA change or reset, a policy or requirement change). A password sign-in without a
 * second factor is admitted only while its user does not owe 2FA or is inside their grace period
 * (whose clock it starts). Returns the new session id, or null for anything else. `device`: the
 * browser that redeems it, recorded on the session.
 */
export async function redeemReadyChallenge(token: unknown, device?: RequestDevice): Promise<string | null> {
  if (typeof token !== 'string' || token.length === 0 || token.length > 100) return null;
  return writeTransaction(
    async (tx) => {
      const digest = tokenDigest(token);
      const [found] = await tx.select({ userId: loginChallenges.userId }).from(loginChallenges).where(eq(loginChallenges.id, digest));
      if (!found) return null;
      // The user first, as every change of the user's credentials does (no two transactions wait on
      // each other): such a change either commits before and is seen below, or waits for this
      // session to exist and then revokes it.
      await lockUser(tx, found.userId);
      const [row] = await tx
        .delete(loginChallenges)
        .where(and(eq(loginChallenges.id, digest), eq(loginChallenges.purpose, 'ready'), gt(loginChallenges.expiresAt, Date.now())))
        .returning({ userId: loginChallenges.userId, method: loginChallenges.method, secondFactorAt: loginChallenges.secondFactorAt, secondFactor: loginChallenges.secondFactor, credentialsVersion: loginChallenges.credentialsVersion });
      if (!row) return null;
      const [user] = await tx.select({ credentialsVersion: users.credentialsVersion, deactivatedAt: users.deactivatedAt }).from(users).where(eq(users.id, row.userId));
      if (user?.credentialsVersion !== row.credentialsVersion || user.deactivatedAt !== null) return null;
      if (row.method === 'password' && row.secondFactorAt === null && !(await admitWithoutSecondFactor(tx, row.userId, device?.clientAddress ?? null))) return null;
      return createSession(tx, row.userId, row.method, row.secondFactorAt, { secondFactor: row.secondFactor, device });
    }
  );
}

/**
 * Counts one code attempt on a `verify` challenge before the code is checked: `counted`, or `gone`
 * (expired, or already verified: its token changed), or `exhausted` (out of attempts: deleted).
 */
export async function countChallengeAttempt(token: string, limit: number): Promise<'counted' | 'gone' | 'exhausted'> {
  const id = tokenDigest(token);
  return writeTransaction(
    async (tx) => {
      const bumped = await tx
        .update(loginChallenges)
        .set({ failures: sql`${loginChallenges.failures} + 1` })
        .where(and(eq(loginChallenges.id, id), eq(loginChallenges.purpose, 'verify'), gt(loginChallenges.expiresAt, Date.now()), lt(loginChallenges.failures, limit)))
        .returning({ id: loginChallenges.id });
      if (bumped.length === 1) return 'counted';
      const ended = await tx.delete(loginChallenges).where(and(eq(loginChallenges.id, id), eq(loginChallenges.purpose, 'verify'))).returning({ id: loginChallenges.id });
      return ended.length === 1 ? 'exhausted' : 'gone';
    }
  );
}
