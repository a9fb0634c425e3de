import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { rawRows, store, writeTransaction } from '@/db';
import { DATABASE_DEADLINE_MS, readiness as cachedReadiness, withinDeadline } from './readiness';

/** A verdict asked anew (the route reuses the database's for a second). */
const readiness = () => cachedReadiness(DATABASE_DEADLINE_MS, true);

const DRAINING = Symbol.for('deskgate.draining');
const migrationsTable = store === 'postgres' ? sql`drizzle.__drizzle_migrations` : sql`__drizzle_migrations`;

test('ready: the database answers and has every migration, the pool is free, no shutdown', async () => {
  assert.deepEqual(await readiness(), { ready: true, checks: { shutdown: 'ok', database: 'ok', migrations: 'ok', hashPool: 'ok' } });
});

test('not ready once the server drains', async () => {
  (globalThis as Record<symbol, unknown>)[DRAINING] = true;
  try {
    const answer = await readiness();
    assert.equal(answer.ready, false);
    assert.equal(answer.checks.shutdown, 'draining');
    assert.equal(answer.checks.database, 'ok');
  } finally {
    delete (globalThis as Record<symbol, unknown>)[DRAINING];
  }
});

test('not ready while a migration of this build is missing from the database', async () => {
  // SQLite's copy of drizzle's table has no usable id (SERIAL is not a rowid there): rows are told apart by time.
  const [last] = await rawRows<{ id: number | null; hash: string; created_at: number | string }>(sql`select id, hash, created_at from ${migrationsTable} order by created_at desc limit 1`);
  assert.ok(last);
  await writeTransaction((tx) => rawRows(sql`delete from ${migrationsTable} where created_at = ${last.created_at} returning hash`, tx));
  try {
    assert.deepEqual((await readiness()).checks, { shutdown: 'ok', database: 'ok', migrations: 'pending', hashPool: 'ok' });
    await writeTransaction((tx) => rawRows(sql`insert into ${migrationsTable} (id, hash, created_at) values (${last.id}, ${last.hash}, ${last.created_at}) returning hash`, tx));
    assert.equal((await cachedReadiness()).checks.migrations, 'pending', 'within a second, probes share the last verdict: no database work');
    await writeTransaction((tx) => rawRows(sql`delete from ${migrationsTable} where created_at = ${last.created_at} returning hash`, tx));
  } finally {
    await writeTransaction((tx) => rawRows(sql`insert into ${migrationsTable} (id, hash, created_at) values (${last.id}, ${last.hash}, ${last.created_at}) returning hash`, tx));
  }
  assert.equal((await readiness()).ready, true);
});

test('the deadline answers for a database that does not: no waiting on it', async () => {
  const started = performance.now();
  assert.equal(await withinDeadline(50, new Promise(() => {})), 'late');
  assert.ok(performance.now() - started < 1000);
  assert.equal(await withinDeadline(1000, Promise.resolve(0)), 0);
});
