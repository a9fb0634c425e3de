import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeTransaction } from '@/db';
import { addOrg, readThroughItsOwnConnection, slugs } from '@/lib/testing/transactions';

// On either store; what only SQLite does is in index.sqlite.test.ts.
readThroughItsOwnConnection();

test('a throw inside a write transaction rolls back everything it wrote', async () => {
  const failing = writeTransaction(async (tx) => {
    await addOrg(tx, 'rolled-back-1');
    await addOrg(tx, 'rolled-back-2');
    throw new Error('refused');
  });
  await assert.rejects(failing, /refused/);
  assert.deepEqual(await slugs('rolled-back-'), []);
  await writeTransaction((tx) => addOrg(tx, 'rolled-back-not'));
  assert.deepEqual(await slugs('rolled-back-'), ['rolled-back-not'], 'the next transaction commits as usual');
});

test('a nested write transaction is a savepoint: its throw, caught, undoes only its own writes', async () => {
  await writeTransaction(async (tx) => {
    await addOrg(tx, 'nested-outer-1');
    await assert.rejects(
      writeTransaction(async (inner) => {
        await addOrg(inner, 'nested-inner-undone');
        throw new Error('inner refused');
      }),
      /inner refused/,
    );
    await writeTransaction((inner) => addOrg(inner, 'nested-inner-kept'));
    await addOrg(tx, 'nested-outer-2');
    assert.deepEqual(await slugs('nested-'), ['nested-inner-kept', 'nested-outer-1', 'nested-outer-2'], 'inside, db() is the transaction');
  });
  assert.deepEqual(await slugs('nested-'), ['nested-inner-kept', 'nested-outer-1', 'nested-outer-2']);
});

test('a read outside a transaction does not see the writes of one still open', async () => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let wrote!: () => void;
  const written = new Promise<void>((resolve) => (wrote = resolve));
  const open = writeTransaction(async (tx) => {
    await addOrg(tx, 'open-uncommitted');
    wrote();
    await released;
  });
  await written;
  assert.deepEqual(await slugs('open-'), [], 'not before the commit');
  release();
  await open;
  assert.deepEqual(await slugs('open-'), ['open-uncommitted'], 'after it');
});
