import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { like } from 'drizzle-orm';
import { db, store, writeTransaction, type Executor } from '@/db';
import { organizations } from '@/db/schema';
import { openSqlite } from '@/db/sqlite';
import { tempDir } from '@/lib/testing/spawn';

// A database file, read before any query opens the process's database: on `:memory:` one
// connection both writes and reads, so a read would see a transaction's writes before its commit.
if (store === 'sqlite') process.env.DATABASE_URL = `file:${path.join(tempDir(), 'transactions.db')}`;
const sqliteOnly = (reason: string) => ({ skip: store === 'postgres' ? `SQLite only: ${reason}` : false });

const addOrg = (tx: Executor, slug: string) => tx.insert(organizations).values({ slug, name: slug, twoFactorPolicy: 'optional' });
/** The organizations whose slug starts with `prefix`, as `await db()` sees them here. */
const slugs = async (prefix: string) =>
  (await (await db()).select({ slug: organizations.slug }).from(organizations).where(like(organizations.slug, `${prefix}%`))).map((r) => r.slug).sort();

test('compiled statements are reused, and each use starts with plain (not raw) rows', sqliteOnly('better-sqlite3 statements'), async () => {
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

test('a new database is private: its folder 0700, the file and its -wal and -shm 0600, whatever the umask', sqliteOnly('the files of a SQLite database'), async () => {
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

test('write transactions of one process never interleave: the second begins once the first has committed', sqliteOnly('one writer connection, transactions queued in the process (PostgreSQL runs them side by side, each on its own connection)'), async () => {
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

test('the read connection refuses writes', sqliteOnly('its reads go through a read-only connection (PostgreSQL reads from the pool)'), async () => {
  const reader = (await db()) as unknown as Executor;
  await assert.rejects(async () => addOrg(reader, 'written-by-a-reader'), /readonly/);
  assert.deepEqual(await slugs('written-by-'), []);
});
