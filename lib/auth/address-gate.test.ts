// Store-independent (in-memory queues only): the PostgreSQL unit run skips it (package.json test:unit:pg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressGate } from './address-gate';
import { PasswordPool, PoolBusyError } from './password-pool';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
const tick = () => new Promise((r) => setImmediate(r));

test('at most two jobs of one address run at once; the next ones wait, the rest are refused busy', async () => {
  const gate = new AddressGate(2, 1);
  const jobs = [deferred(), deferred(), deferred()];
  const started: number[] = [];
  const runs = jobs.map((job, i) => gate.run('203.0.113.7', async () => (started.push(i), job.promise)));
  await tick();
  assert.deepEqual(started, [0, 1]);
  assert.deepEqual(gate.load('203.0.113.7'), { running: 2, waiting: 1 });
  await assert.rejects(gate.run('203.0.113.7', async () => undefined), PoolBusyError);

  jobs[0]!.resolve();
  await tick();
  assert.deepEqual(started, [0, 1, 2], 'the waiting job takes the finished one’s place');
  jobs[1]!.resolve();
  jobs[2]!.resolve();
  await Promise.all(runs);
  assert.deepEqual(gate.load('203.0.113.7'), { running: 0, waiting: 0 });
});

test('another address is not held up by a full one', async () => {
  const gate = new AddressGate(2, 0);
  const held = deferred();
  const flood = [gate.run('203.0.113.7', () => held.promise), gate.run('203.0.113.7', () => held.promise)];
  await assert.rejects(gate.run('203.0.113.7', async () => 'x'), PoolBusyError);
  assert.equal(await gate.run('198.51.100.9', async () => 'served'), 'served');
  held.resolve();
  await Promise.all(flood);
});

test('a failing job frees its place', async () => {
  const gate = new AddressGate(1, 0);
  await assert.rejects(gate.run('a', async () => Promise.reject(new Error('boom'))), /boom/);
  assert.equal(await gate.run('a', async () => 1), 1);
  assert.deepEqual(gate.load('a'), { running: 0, waiting: 0 });
});

test('in front of the pool: one address queueing ten hashes delays another address by at most its two in flight', async () => {
  const pool = new PasswordPool(1, 64);
  const gate = new AddressGate(2, 64);
  const finished: string[] = [];
  const hash = (address: string, name: string) => gate.run(address, () => pool.hash(name, 8)).then(() => finished.push(name));
  const flood = Array.from({ length: 10 }, (_, i) => hash('203.0.113.7', `flood-${i}`));
  await tick();
  await hash('198.51.100.9', 'other');
  await Promise.all(flood);
  assert.ok(finished.indexOf('other') <= 2, `the other address finished at position ${finished.indexOf('other')} of ${finished.length}`);
  await pool.close();
});
