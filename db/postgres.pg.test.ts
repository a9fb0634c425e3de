import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { database, rawRows, writeTransaction } from '@/db';
import { databaseUnreachable, isTransientDatabaseError } from '@/db/errors';
import type { PostgresHandle } from '@/db/postgres';
import { openPostgres, postgresMigrations } from '@/db/postgres';
import { organizations } from '@/db/schema';

// PostgreSQL only: its pool, timeouts and lost connections.

test('a statement over the timeout is cancelled, and the error reads as "try again"', async () => {
  const handle = await openPostgres(process.env.DATABASE_URL!, { poolSize: 2, statementTimeoutMs: 200, connectTimeoutMs: 2000 });
  try {
    const error = await handle.rows(handle.reader, sql`select pg_sleep(2)`).then(() => null, (e: unknown) => e);
    assert.ok(error, 'the sleep was cancelled');
    assert.equal(isTransientDatabaseError(error), true);
    assert.deepEqual(await handle.rows(handle.reader, sql`select 1 as one`), [{ one: 1 }], 'the pool still serves');
  } finally {
    await handle.close();
  }
});

test('connections killed by the server: the request in flight fails as transient, the pool serves the next', async () => {
  const handle = (await database()) as PostgresHandle;
  await rawRows(sql`select 1`);
  const victim = writeTransaction(async (tx) => {
    await tx.insert(organizations).values({ slug: 'lost-connection', name: 'Lost' });
    await handle.rows(tx, sql`select pg_sleep(5)`);
  });
  // Its outcome is taken at once: it may fail while the killer below is still closing its connection,
  // and a rejection nobody handles yet is a test failure of its own (one CI run under load met it).
  const outcome = victim.then(() => null, (e: unknown) => e);
  await new Promise((r) => setTimeout(r, 300));
  // Another connection ends every other session of this database, as a restart or a network cut would.
  const killer = await openPostgres(process.env.DATABASE_URL!, { poolSize: 1, statementTimeoutMs: 5000, connectTimeoutMs: 2000 });
  await killer.rows(killer.reader, sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`);
  await killer.close();
  const error = await outcome;
  assert.ok(error, 'the transaction in flight failed');
  assert.equal(isTransientDatabaseError(error), true, String(error));
  const rows = await rawRows<{ n: string }>(sql`select count(*) as n from organizations where slug = 'lost-connection'`);
  assert.equal(Number(rows[0]!.n), 0, 'nothing of it was committed');
});

test('an unreachable server at start is one line naming it, without the password', async () => {
  const url = 'postgres://deskgate:s3cret@127.0.0.1:1/nowhere';
  const error = await openPostgres(url, { poolSize: 1, statementTimeoutMs: 1000, connectTimeoutMs: 1000 }).then(() => null, (e: unknown) => e);
  const saved = process.env.DATABASE_URL;
  process.env.DATABASE_URL = url;
  const line = databaseUnreachable(error);
  process.env.DATABASE_URL = saved;
  assert.ok(line?.startsWith('cannot reach the database at postgres://deskgate:***@127.0.0.1:1/nowhere'), String(line));
  assert.ok(!line!.includes('s3cret'));
  assert.ok(!line!.includes('\n'));
});

test('two instances starting together on an empty database migrate it once', async () => {
  const admin = new URL(process.env.DATABASE_URL!);
  const name = `migrate_once_${process.pid}`;
  const server = await openPostgres(admin.toString(), { poolSize: 1, statementTimeoutMs: 5000, connectTimeoutMs: 2000 });
  await server.rows(server.reader, sql.raw(`create database ${name}`));
  admin.pathname = `/${name}`;
  const options = { poolSize: 1, statementTimeoutMs: 5000, connectTimeoutMs: 2000 };
  try {
    const [a, b] = await Promise.all([openPostgres(admin.toString(), options), openPostgres(admin.toString(), options)]);
    const journal = JSON.parse(readFileSync(path.join(postgresMigrations, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
    const [applied] = await a.rows<{ n: string }>(a.reader, sql`select count(*) as n from drizzle.__drizzle_migrations`);
    assert.equal(Number(applied!.n), journal.entries.length, 'each migration recorded once');
    assert.deepEqual(await b.rows(b.reader, sql`select count(*)::int as n from users`), [{ n: 0 }], 'both see the tables');
    await Promise.all([a.close(), b.close()]);
  } finally {
    await server.rows(server.reader, sql.raw(`drop database if exists ${name} with (force)`));
    await server.close();
  }
});
