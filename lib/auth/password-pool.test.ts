// Store-independent (worker threads only): the PostgreSQL unit run skips it (package.json test:unit:pg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PasswordPool, PoolBusyError } from './password-pool';

test('hashes and compares off the event loop', async () => {
  const pool = new PasswordPool(2, 4);
  const hash = await pool.hash('correct horse', 4);
  assert.match(hash, /^\$2b\$04\$/);
  assert.equal(await pool.compare('correct horse', hash), true);
  assert.equal(await pool.compare('wrong horse', hash), false);
  await pool.close();
});

test('answers busy when the queue is full, says it is saturated, and recovers', async () => {
  const waits: number[] = [];
  const pool = new PasswordPool(1, 1, (seconds) => waits.push(seconds));
  const running = pool.hash('a', 10);
  assert.equal(pool.saturated(), false, 'a free place in the queue: not saturated');
  const queued = pool.hash('b', 10);
  assert.deepEqual(pool.state(), { queued: 1, busy: 1, size: 1 });
  assert.equal(pool.saturated(), true);
  assert.ok(pool.saturatedFor(performance.now() + 5000) >= 5000, 'full since the second job queued');
  await assert.rejects(pool.hash('c', 10), PoolBusyError);
  assert.ok(await running);
  assert.ok(await queued);
  assert.equal(waits.length, 2, 'each job that reached a worker reported its wait');
  assert.ok(waits[1]! > waits[0]!, 'the queued job waited for the first one');
  assert.equal(pool.saturated(), false);
  assert.equal(pool.saturatedFor(), 0, 'taking work again: the clock starts anew');
  assert.ok(await pool.hash('d', 4), 'the pool takes work again once the queue drains');
  await pool.close();
});

test('a worker error rejects only its own job', async () => {
  const pool = new PasswordPool(1, 2);
  await assert.rejects(pool.hash(123 as unknown as string, 4), /Illegal arguments/);
  assert.equal(await pool.compare('x', await pool.hash('x', 4)), true);
  await pool.close();
});
