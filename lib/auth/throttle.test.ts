import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { count, eq, like, lt, lte, type SQL } from 'drizzle-orm';
import { db, writeTransaction } from '@/db';
import { throttleHits, throttleLocks } from '@/db/schema';
import { config } from '@/lib/config';
import { countAttempt, HOUR_MS, HOURLY_KEY_PREFIX, PURGE_BATCH, type ThrottleRule } from './throttle';

process.env.DESKGATE_LOG = 'off';
const window = config().password.windowMs;
const rule = (key: string, limit = 10): ThrottleRule => ({ key, limit, windowMs: window, lockMs: window });
const rows = async (table: typeof throttleHits | typeof throttleLocks, where?: SQL) => (await (await db()).select({ n: count() }).from(table).where(where))[0]!.n;

test('expired hits and locks are purged a batch at a time, whatever their key; live ones stay', async () => {
  const now = Date.now();
  const expired = now - window - 1000;
  await writeTransaction(async (tx) => {
    await tx.delete(throttleHits);
    await tx.delete(throttleLocks);
    await tx.insert(throttleHits).values(Array.from({ length: 250 }, (_, i) => ({ key: `pw:email:gone-${i}@x.example`, at: expired - i })));
    await tx.insert(throttleHits).values(Array.from({ length: 5 }, () => ({ key: 'pw:ip:live', at: now - 1000 })));
    await tx.insert(throttleLocks).values(Array.from({ length: 150 }, (_, i) => ({ key: `pw:email:gone-${i}@x.example`, until: now - i })));
    await tx.insert(throttleLocks).values({ key: 'pw:ip:locked', until: now + 60_000 });
  });
  const expiredHits = () => rows(throttleHits, lt(throttleHits.at, now - window));
  const expiredLocks = () => rows(throttleLocks, lte(throttleLocks.until, now));

  await countAttempt([rule('pw:email:someone@x.example')], now);
  assert.equal(await expiredHits(), 250 - PURGE_BATCH, 'one call deletes one batch, not everything');
  assert.equal(await expiredLocks(), 150 - PURGE_BATCH);
  // The oldest go first.
  assert.equal(await rows(throttleHits, lt(throttleHits.at, expired - 249 + PURGE_BATCH)), 0);

  await countAttempt([rule('pw:email:someone@x.example')], now);
  await countAttempt([rule('pw:email:someone@x.example')], now);
  assert.equal(await expiredHits(), 0);
  assert.equal(await expiredLocks(), 0);
  assert.equal(await rows(throttleHits, eq(throttleHits.key, 'pw:ip:live')), 5);
  assert.equal(await rows(throttleLocks), 1, 'the live lock stays');
});

test('hourly keys (a forgotten password’s mails per account) keep their hits for an hour, past the sign-in window', async () => {
  const now = Date.now();
  await writeTransaction(async (tx) => {
    await tx.delete(throttleHits);
    await tx.insert(throttleHits).values([
      { key: `${HOURLY_KEY_PREFIX}reset-mail:1`, at: now - window - 60_000 },
      { key: `${HOURLY_KEY_PREFIX}reset-mail:2`, at: now - HOUR_MS - 1000 },
      { key: 'pw:email:old@x.example', at: now - window - 60_000 },
    ]);
  });
  await countAttempt([rule('pw:email:someone-else@x.example')], now);
  const left = await (await db()).select({ key: throttleHits.key }).from(throttleHits).where(like(throttleHits.key, `${HOURLY_KEY_PREFIX}%`));
  assert.deepEqual(left, [{ key: `${HOURLY_KEY_PREFIX}reset-mail:1` }]);
  assert.equal(await rows(throttleHits, eq(throttleHits.key, 'pw:email:old@x.example')), 0);
});

test('a flood of random emails from random addresses keeps the hits table bounded by the window', async () => {
  await writeTransaction((tx) => tx.delete(throttleHits));
  const start = Date.now();
  const step = 1000;
  let most = 0;
  for (let i = 0; i < 3 * (window / step); i++) {
    const tag = randomBytes(6).toString('hex');
    await countAttempt([rule(`pw:email:${tag}@nowhere.example`), rule(`pw:ip:${tag}`, 50)], start + i * step);
    most = Math.max(most, await rows(throttleHits));
  }
  // Two hits per attempt, and only the attempts of the last window are still live.
  assert.ok(most <= 2 * (window / step + 1), `the table grew to ${most} rows`);
});

test('a key that locks reports it once per lock, not once per refused attempt', async () => {
  const now = Date.now();
  const locks: string[] = [];
  const key = `pw:email:${randomBytes(6).toString('hex')}@x.example`;
  const attempt = (at: number) => countAttempt([rule(key, 3)], at, async (_tx, r) => void locks.push(r.key));
  const results = [];
  for (let i = 0; i < 12; i++) results.push(await attempt(now));
  assert.equal(results.filter((r) => 'hitIds' in r).length, 3);
  assert.deepEqual(locks, [key]);
  // After the lock and the window, the key starts over; its next lock is reported again.
  const later = now + 2 * window + 1;
  for (let i = 0; i < 12; i++) await attempt(later);
  assert.deepEqual(locks, [key, key]);
});
