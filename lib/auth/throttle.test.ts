import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { count, eq, lt, lte } from 'drizzle-orm';
import { db } from '@/db';
import { throttleHits, throttleLocks } from '@/db/schema';
import { config } from '@/lib/config';
import { countAttempt, PURGE_BATCH, type ThrottleRule } from './throttle';

process.env.DESKGATE_LOG = 'off';
const window = config().password.windowMs;
const rule = (key: string, limit = 10): ThrottleRule => ({ key, limit, windowMs: window, lockMs: window });
const rows = (table: typeof throttleHits | typeof throttleLocks) => db().select({ n: count() }).from(table).get()!.n;

test('expired hits and locks are purged a batch at a time, whatever their key; live ones stay', () => {
  const now = Date.now();
  const expired = now - window - 1000;
  db().delete(throttleHits).run();
  db().delete(throttleLocks).run();
  db().insert(throttleHits).values(Array.from({ length: 250 }, (_, i) => ({ key: `pw:email:gone-${i}@x.example`, at: expired - i }))).run();
  db().insert(throttleHits).values(Array.from({ length: 5 }, () => ({ key: 'pw:ip:live', at: now - 1000 }))).run();
  db().insert(throttleLocks).values(Array.from({ length: 150 }, (_, i) => ({ key: `pw:email:gone-${i}@x.example`, until: now - i }))).run();
  db().insert(throttleLocks).values({ key: 'pw:ip:locked', until: now + 60_000 }).run();
  const expiredHits = () => db().select({ n: count() }).from(throttleHits).where(lt(throttleHits.at, now - window)).get()!.n;
  const expiredLocks = () => db().select({ n: count() }).from(throttleLocks).where(lte(throttleLocks.until, now)).get()!.n;

  countAttempt([rule('pw:email:someone@x.example')], now);
  assert.equal(expiredHits(), 250 - PURGE_BATCH, 'one call deletes one batch, not everything');
  assert.equal(expiredLocks(), 150 - PURGE_BATCH);
  // The oldest go first.
  assert.equal(db().select({ n: count() }).from(throttleHits).where(lt(throttleHits.at, expired - 249 + PURGE_BATCH)).get()!.n, 0);

  countAttempt([rule('pw:email:someone@x.example')], now);
  countAttempt([rule('pw:email:someone@x.example')], now);
  assert.equal(expiredHits(), 0);
  assert.equal(expiredLocks(), 0);
  assert.equal(db().select({ n: count() }).from(throttleHits).where(eq(throttleHits.key, 'pw:ip:live')).get()!.n, 5);
  assert.equal(rows(throttleLocks), 1, 'the live lock stays');
});

test('a flood of random emails from random addresses keeps the hits table bounded by the window', () => {
  db().delete(throttleHits).run();
  const start = Date.now();
  const step = 1000;
  let most = 0;
  for (let i = 0; i < 3 * (window / step); i++) {
    const tag = randomBytes(6).toString('hex');
    countAttempt([rule(`pw:email:${tag}@nowhere.example`), rule(`pw:ip:${tag}`, 50)], start + i * step);
    most = Math.max(most, rows(throttleHits));
  }
  // Two hits per attempt, and only the attempts of the last window are still live.
  assert.ok(most <= 2 * (window / step + 1), `the table grew to ${most} rows`);
});

test('a key that locks reports it once per lock, not once per refused attempt', () => {
  const now = Date.now();
  const locks: string[] = [];
  const key = `pw:email:${randomBytes(6).toString('hex')}@x.example`;
  const results = Array.from({ length: 12 }, () => countAttempt([rule(key, 3)], now, (_tx, r) => locks.push(r.key)));
  assert.equal(results.filter((r) => 'hitIds' in r).length, 3);
  assert.deepEqual(locks, [key]);
  // After the lock and the window, the key starts over; its next lock is reported again.
  const later = now + 2 * window + 1;
  for (let i = 0; i < 12; i++) countAttempt([rule(key, 3)], later, (_tx, r) => locks.push(r.key));
  assert.deepEqual(locks, [key, key]);
});
