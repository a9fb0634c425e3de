import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { db, writeTransaction, type Executor } from '@/db';
import { openSqlite } from '@/db/sqlite';
import { tempDir } from '@/lib/testing/spawn';
import { addOrg, readThroughItsOwnConnection, slugs } from '@/lib/testing/transactions';

// SQLite only: its statements, its files, its one writer connection and its read-only reader
// (PostgreSQL runs transactions side by side, each on its own connection, and reads from the pool).
readThroughItsOwnConnection();

test('compiled statements are reused, and each use starts with plain (not raw) rows', async () => {
  const database = openSqlite(':memory:');
  const sqlite = database.writer;
  const first = sqlite.prepare('select 1 as one');
  assert.equal(sqlite.prepare('select 1 as one'), first, 'the same SQL gives the same compiled statement');
  assert.deepEqual(first.raw().get(), [1]);
  assert.deepEqual(sqlite.prepare('select 1 as one').get(), { one: 1 }, 'raw mode does not leak into the next use');
  // Statements that return no rows cannot be switched to raw mode at all: reusing them must still work.
  sqlite.prepare('create table if not exists reuse_test (x integer)').run();
  sqlite.prepare('insert into reuse_test (x) values (?)').run(1);
  sqlite.prepare('insert into reuse_test (x) values (?)').run(2);
  assert.deepEqual(sqlite.prepare('select count(*) as n from reuse_test').get(), { n: 2 });
  await database.close();
});

test('savepoints reuse their statements: a thousand transactions with nested savepoints keep the statement cache warm; a failed inner one rolls back alone', async () => {
  const database = openSqlite(':memory:');
  const sqlite = database.writer;
  sqlite.prepare('create table sp_test (x integer)').run();
  const compiled = sqlite.prepare('select count(*) as n from sp_test');
  const inner = (tx: Executor, fail: boolean) =>
    database.savepoint(tx, async (t) => {
      await database.rows(t, sql`insert into sp_test (x) values (1) returning x`);
      if (fail) throw new Error('inner');
    });
  for (let i = 0; i < 1000; i++) {
    await database.transaction(async (tx) => {
      await database.savepoint(tx, async (t) => {
        await inner(t, false);
        await assert.rejects(inner(t, true), /inner/);
      });
      await inner(tx, false);
    });
  }
  assert.deepEqual(sqlite.prepare('select count(*) as n from sp_test').get(), { n: 2000 }, 'the failed savepoints wrote nothing, the others everything');
  assert.equal(sqlite.prepare('select count(*) as n from sp_test'), compiled, 'the cache was never emptied (it is cleared at 500 distinct statements)');
  await database.close();
});

test('a new database is private: its folder 0700, the file and its -wal and -shm 0600, whatever the umask', async () => {
  const folder = path.join(tempDir(), 'nested', 'data');
  const file = path.join(folder, 'private.db');
  const umask = process.umask(0o022);
  try {
    const database = openSqlite(file);
    database.writer.prepare('create table written (x integer)').run();
    const mode = (p: string) => statSync(p).mode & 0o777;
    assert.equal(mode(folder), 0o700);
    assert.equal(mode(path.dirname(folder)), 0o700, 'every folder it creates');
    for (const suffix of ['', '-wal', '-shm']) assert.equal(mode(file + suffix), 0o600, `private.db${suffix}`);
    await database.close();
  } finally {
    process.umask(umask);
  }
});

test('write transactions of one process never interleave: the second begins once the first has committed', async () => {
  const steps: string[] = [];
  const first = writeTransaction(async (tx) => {
    steps.push('first begins');
    await addOrg(tx, 'queue-first');
    await sleep(50);
    steps.push('first ends');
  });
  const second = writeTransaction(async (tx) => {
    steps.push('second begins');
    assert.deepEqual(await slugs('queue-'), ['queue-first'], 'the read connection sees the first committed');
    await addOrg(tx, 'queue-second');
    steps.push('second ends');
  });
  await Promise.all([first, second]);
  assert.deepEqual(steps, ['first begins', 'first ends', 'second begins', 'second ends']);
});

test('the read connection refuses writes', async () => {
  const reader = (await db()) as unknown as Executor;
  await assert.rejects(async () => addOrg(reader, 'written-by-a-reader'), /readonly/);
  assert.deepEqual(await slugs('written-by-'), []);
});
