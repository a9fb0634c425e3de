import 'server-only';
import { and, count, eq, gt, inArray, like, lt, lte, or } from 'drizzle-orm';
import { type Executor, writeTransaction } from '@/db';
import { throttleHits, throttleLocks } from '@/db/schema';
import { config } from '@/lib/config';

export interface ThrottleRule {
  key: string;
  limit: number;
  windowMs: number;
  lockMs: number;
}

/** When the key is locked, the time it opens again; else null. */
export function lockedUntil(tx: Executor, key: string, now = Date.now()): number | null {
  const row = tx.select({ until: throttleLocks.until }).from(throttleLocks).where(and(eq(throttleLocks.key, key), gt(throttleLocks.until, now))).get();
  return row?.until ?? null;
}

/** Expired rows deleted per counted attempt: more than an attempt adds, so a flood cannot grow the tables. */
export const PURGE_BATCH = 100;

/** Deletes up to PURGE_BATCH expired hits and locks, oldest first (by their time indexes), whatever their key. */
export function purgeExpired(tx: Executor, now = Date.now()): void {
  const horizon = now - Math.max(config().password.windowMs, config().secondFactor.windowMs);
  const oldHits = tx.select({ id: throttleHits.id }).from(throttleHits).where(lt(throttleHits.at, horizon)).orderBy(throttleHits.at).limit(PURGE_BATCH);
  tx.delete(throttleHits).where(inArray(throttleHits.id, oldHits)).run();
  const oldLocks = tx.select({ key: throttleLocks.key }).from(throttleLocks).where(lte(throttleLocks.until, now)).orderBy(throttleLocks.until).limit(PURGE_BATCH);
  tx.delete(throttleLocks).where(inArray(throttleLocks.key, oldLocks)).run();
}

/**
 * Counts one attempt *before* it is checked, in the database that every app process shares.
 * Returns the hit's id (to forget it on success) or, when this attempt is one too many (or the key
 * is locked), the time the lock ends. Runs in one immediate transaction, so parallel attempts from
 * any process are counted one after another. `onLock` runs in that transaction when this attempt
 * locks a key: once per lock, as an attempt refused by a lock adds nothing.
 */
export function countAttempt(
  rules: ThrottleRule[],
  now = Date.now(),
  onLock?: (tx: Executor, rule: ThrottleRule) => void,
): { hitIds: number[] } | { lockedUntil: number } {
  return writeTransaction(
    (tx) => {
      purgeExpired(tx, now);
      for (const rule of rules) {
        const until = lockedUntil(tx, rule.key, now);
        if (until) return { lockedUntil: until };
      }
      const hitIds: number[] = [];
      let lockEnds = 0;
      for (const rule of rules) {
        tx.delete(throttleHits).where(and(eq(throttleHits.key, rule.key), lt(throttleHits.at, now - rule.windowMs))).run();
        hitIds.push(tx.insert(throttleHits).values({ key: rule.key, at: now }).returning({ id: throttleHits.id }).get().id);
        const hits = tx.select({ n: count() }).from(throttleHits).where(eq(throttleHits.key, rule.key)).get()!.n;
        if (hits > rule.limit) {
          const until = now + rule.lockMs;
          tx.insert(throttleLocks).values({ key: rule.key, until }).onConflictDoUpdate({ target: throttleLocks.key, set: { until } }).run();
          onLock?.(tx, rule);
          lockEnds = Math.max(lockEnds, until);
        }
      }
      return lockEnds ? { lockedUntil: lockEnds } : { hitIds };
    }
  );
}

/** After a success: forget the keys' failures (a success resets the count). */
export function clearAttempts(tx: Executor, keys: string[]): void {
  for (const key of keys) tx.delete(throttleHits).where(eq(throttleHits.key, key)).run();
}

/** Everything the throttle holds for a key prefix (admin reset wipes a user's second-factor state). */
export function clearThrottleState(tx: Executor, key: string): void {
  tx.delete(throttleHits).where(or(eq(throttleHits.key, key), like(throttleHits.key, `${key}:%`))).run();
  tx.delete(throttleLocks).where(or(eq(throttleLocks.key, key), like(throttleLocks.key, `${key}:%`))).run();
}

export function minutesUntil(until: number, now = Date.now()): number {
  return Math.max(1, Math.ceil((until - now) / 60_000));
}
