import 'server-only';
import { and, count, eq, gt, inArray, like, lt, notLike, or } from 'drizzle-orm';
import { type Executor, type Reader, inTransaction, lockKeys, store, writeTransaction } from '@/db';
import { deleteOldest, skipLocked } from '@/db/dialect';
import { throttleHits, throttleLocks } from '@/db/schema';
import { describeDatabaseError } from '@/db/errors';
import { config } from '@/lib/config';
import { log } from '@/lib/log';

export interface ThrottleRule {
  key: string;
  limit: number;
  windowMs: number;
  lockMs: number;
}

/** When the key is locked, the time it opens again; else null. */
export async function lockedUntil(tx: Executor | Reader, key: string, now = Date.now()): Promise<number | null> {
  const [row] = await tx.select({ until: throttleLocks.until }).from(throttleLocks).where(and(eq(throttleLocks.key, key), gt(throttleLocks.until, now)));
  return row?.until ?? null;
}

/** Expired rows deleted per counted attempt: more than an attempt adds, so a flood cannot grow the tables. */
export const PURGE_BATCH = 100;

/** Keys counted over an hour (a forgotten password's link mails per account): the purge keeps their hits that long. */
export const HOURLY_KEY_PREFIX = 'hourly:';
export const HOUR_MS = 3_600_000;

/** Deletes up to PURGE_BATCH expired hits and locks, oldest first (by their time indexes), whatever their key. */
export async function purgeExpired(tx: Executor, now = Date.now()): Promise<void> {
  const horizon = now - Math.max(config().password.windowMs, config().secondFactor.windowMs);
  const expired = or(and(lt(throttleHits.at, horizon), notLike(throttleHits.key, `${HOURLY_KEY_PREFIX}%`)), lt(throttleHits.at, now - HOUR_MS));
  const oldHits = skipLocked(tx.select({ id: throttleHits.id }).from(throttleHits).where(expired).orderBy(throttleHits.at).limit(PURGE_BATCH));
  await tx.delete(throttleHits).where(inArray(throttleHits.id, oldHits));
  await deleteOldest(tx, throttleLocks, throttleLocks.key, throttleLocks.until, now, PURGE_BATCH);
}

/**
 * Counts one attempt *before* it is checked, in the database that every app process shares.
 * Returns the hit's id (to forget it on success) or, when this attempt is one too many (or the key
 * is locked), the time the lock ends. Runs in one immediate transaction, so parallel attempts from
 * any process are counted one after another. `onLock` runs in that transaction when this attempt
 * locks a key: once per lock, as an attempt refused by a lock adds nothing.
 */
export async function countAttempt(
  rules: ThrottleRule[],
  now = Date.now(),
  onLock?: (tx: Executor, rule: ThrottleRule) => Promise<void>,
): Promise<{ hitIds: number[] } | { lockedUntil: number }> {
  const counted = await writeTransaction(
    async (tx) => {
      // Counted, then compared: on PostgreSQL two attempts under one key would otherwise both count "limit - 1".
      await lockKeys(tx, rules.map((rule) => rule.key));
      // SQLite has one writer: housekeeping may share the transaction. On PostgreSQL it runs apart (below).
      if (store === 'sqlite') await purgeExpired(tx, now);
      for (const rule of rules) {
        const until = await lockedUntil(tx, rule.key, now);
        if (until) return { lockedUntil: until };
      }
      const hitIds: number[] = [];
      let lockEnds = 0;
      for (const rule of rules) {
        const [hit] = await tx.insert(throttleHits).values({ key: rule.key, at: now }).returning({ id: throttleHits.id });
        hitIds.push(hit!.id);
        // Only the window's hits count; older ones are the purge's.
        const [hits] = await tx.select({ n: count() }).from(throttleHits).where(and(eq(throttleHits.key, rule.key), gt(throttleHits.at, now - rule.windowMs)));
        if (hits!.n > rule.limit) {
          const until = now + rule.lockMs;
          await tx.insert(throttleLocks).values({ key: rule.key, until }).onConflictDoUpdate({ target: throttleLocks.key, set: { until } });
          await onLock?.(tx, rule);
          lockEnds = Math.max(lockEnds, until);
        }
      }
      return lockEnds ? { lockedUntil: lockEnds } : { hitIds };
    }
  );
  // A transaction of its own, holding nothing else: with SKIP LOCKED it never waits, so purges by
  // several instances cannot deadlock. Not inside a caller's transaction: a second connection taken
  // while that one holds locks could wait for the pool, which the lock's waiters hold. The password
  // step, which every other prompt follows, counts outside any.
  if (store === 'postgres' && !inTransaction()) {
    // Housekeeping only: the attempt is counted already, so its failure must not fail the request.
    await writeTransaction((tx) => purgeExpired(tx, now)).catch((error: unknown) => log('throttle.purge_failed', describeDatabaseError(error)));
  }
  return counted;
}

/** After a success: forget the keys' failures (a success resets the count). */
export async function clearAttempts(tx: Executor, keys: string[]): Promise<void> {
  for (const key of keys) await tx.delete(throttleHits).where(eq(throttleHits.key, key));
}

/** Everything the throttle holds for a key prefix (admin reset wipes a user's second-factor state). */
export async function clearThrottleState(tx: Executor, key: string): Promise<void> {
  await tx.delete(throttleHits).where(or(eq(throttleHits.key, key), like(throttleHits.key, `${key}:%`)));
  await tx.delete(throttleLocks).where(or(eq(throttleLocks.key, key), like(throttleLocks.key, `${key}:%`)));
}

export function minutesUntil(until: number, now = Date.now()): number {
  return Math.max(1, Math.ceil((until - now) / 60_000));
}
