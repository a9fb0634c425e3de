import 'server-only';
import { and, eq, gt, lt, ne, sql } from 'drizzle-orm';
import { type Executor, db, writeTransaction } from '@/db';
import { loginChallenges, type ChallengePurpose, type LoginChallenge } from '@/db/schema';
import { config } from '@/lib/config';
import { createSession } from './session';
import { newToken, tokenDigest } from './tokens';

// A `ready` challenge lives only between the last factor and the signIn call of the same request.
const READY_MS = 60_000;

export function challengeLifetime(purpose: ChallengePurpose): number {
  if (purpose === 'verify') return config().verifyChallengeMs;
  if (purpose === 'setup') return config().setupChallengeMs;
  return READY_MS;
}

/** Writes a challenge row and returns its token (the row keeps only the digest). */
export function createChallenge(userId: number, purpose: ChallengePurpose, callbackUrl: string, secondFactorAt: number | null = null): string {
  const token = newToken();
  const now = Date.now();
  db()
    .insert(loginChallenges)
    .values({ id: tokenDigest(token), userId, purpose, createdAt: now, expiresAt: now + challengeLifetime(purpose), callbackUrl, secondFactorAt })
    .run();
  return token;
}

/** The live challenge behind a token, or null when missing or expired. */
export function findChallenge(token: string): LoginChallenge | null {
  return (
    db()
      .select()
      .from(loginChallenges)
      .where(and(eq(loginChallenges.id, tokenDigest(token)), gt(loginChallenges.expiresAt, Date.now())))
      .get() ?? null
  );
}

/** Ends a challenge (cancel, used up, too many wrong codes). */
export function deleteChallenge(tx: Executor, token: string): void {
  tx.delete(loginChallenges).where(eq(loginChallenges.id, tokenDigest(token))).run();
}

/** Ends every open challenge of a user (password or 2FA changed, admin reset), or every one but `exceptToken`'s. */
export function deleteUserChallenges(tx: Executor, userId: number, exceptToken?: string): void {
  const where = [eq(loginChallenges.userId, userId)];
  if (exceptToken) where.push(ne(loginChallenges.id, tokenDigest(exceptToken)));
  tx.delete(loginChallenges).where(and(...where)).run();
}

/** Marks a challenge as fully verified: the next step is signIn, which consumes it. */
export function markChallengeReady(tx: Executor, token: string, secondFactorAt: number | null): boolean {
  const result = tx
    .update(loginChallenges)
    .set({ purpose: 'ready', secondFactorAt, expiresAt: Date.now() + READY_MS })
    .where(and(eq(loginChallenges.id, tokenDigest(token)), gt(loginChallenges.expiresAt, Date.now()), sql`${loginChallenges.purpose} != 'ready'`))
    .run();
  return result.changes === 1;
}

/**
 * The only way to a session: consumes a `ready` challenge and creates the session row in one
 * transaction. Returns the new session id, or null for anything else.
 */
export function redeemReadyChallenge(token: unknown): string | null {
  if (typeof token !== 'string' || token.length === 0 || token.length > 100) return null;
  return writeTransaction(
    (tx) => {
      const row = tx
        .delete(loginChallenges)
        .where(and(eq(loginChallenges.id, tokenDigest(token)), eq(loginChallenges.purpose, 'ready'), gt(loginChallenges.expiresAt, Date.now())))
        .returning({ userId: loginChallenges.userId, method: loginChallenges.method, secondFactorAt: loginChallenges.secondFactorAt })
        .get();
      if (!row) return null;
      return createSession(tx, row.userId, row.method, row.secondFactorAt);
    }
  );
}

/**
 * Counts one code attempt on a `verify` challenge before the code is checked. Returns false when
 * the challenge is gone, expired, already used, or out of attempts (it is then deleted).
 */
export function countChallengeAttempt(token: string, limit: number): boolean {
  const id = tokenDigest(token);
  return writeTransaction(
    (tx) => {
      const bumped = tx
        .update(loginChallenges)
        .set({ failures: sql`${loginChallenges.failures} + 1` })
        .where(and(eq(loginChallenges.id, id), eq(loginChallenges.purpose, 'verify'), gt(loginChallenges.expiresAt, Date.now()), lt(loginChallenges.failures, limit)))
        .run();
      if (bumped.changes === 1) return true;
      tx.delete(loginChallenges).where(and(eq(loginChallenges.id, id), eq(loginChallenges.purpose, 'verify'))).run();
      return false;
    }
  );
}
