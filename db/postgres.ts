import 'server-only';
import path from 'node:path';
import type { SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { log } from '@/lib/log';
import type { Executor, Handle, Reader } from './index';
import * as schema from './schema/postgres';

export const postgresMigrations = path.join(/* turbopackIgnore: true */ process.cwd(), 'db', 'migrations', 'postgres');

export interface PostgresOptions {
  poolSize: number;
  statementTimeoutMs: number;
  connectTimeoutMs: number;
}

/** A connection that dies emits an error event; without a listener node-postgres would end the process. */
const logLostConnection = (error: Error) => log('database.connection_lost', { message: error.message });

// Any constant both instances agree on: the key of the session lock held while migrating.
const MIGRATION_LOCK = 0x64657367;

/**
 * Applies the migrations once, however many instances start together: each takes a session
 * advisory lock first, and the ones that wait find the migrations recorded when they get it.
 */
async function migrateOnce(url: string, options: PostgresOptions): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: options.connectTimeoutMs });
  // A connection lost while waiting emits here; the query in flight fails on its own.
  client.on('error', logLostConnection);
  await client.connect();
  try {
    // Another instance migrating holds the lock; one that hangs must not hold every other start forever.
    await client.query(`set lock_timeout = ${Math.max(60_000, options.statementTimeoutMs)}`);
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migrate(drizzle({ client, schema }), { migrationsFolder: postgresMigrations });
  } finally {
    await client.end();
  }
}

export type PostgresHandle = Handle & { pool: pg.Pool };

/** Connects a pool (every query under a statement timeout), migrating the database first. */
export async function openPostgres(url: string, options: PostgresOptions): Promise<PostgresHandle> {
  await migrateOnce(url, options);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    idle_in_transaction_session_timeout: options.statementTimeoutMs * 2,
    // Idle connections do not keep a finished process (CLI, tests) alive.
    allowExitOnIdle: true,
  });
  // A connection that dies while idle (a database restart, a network cut) is dropped from the
  // pool and replaced on next use; without a listener node-postgres would crash the process.
  pool.on('error', logLostConnection);
  // A connection that dies while checked out emits on the client too, where no one listens: an
  // uncaught exception that would end the process. The query in flight fails on its own.
  pool.on('connect', (client) => client.on('error', logLostConnection));
  const database = drizzle({ client: pool, schema });
  const rows = async <T>(ex: Executor | Reader, query: SQL): Promise<T[]> =>
    ((await (ex as unknown as typeof database).execute(query)) as unknown as { rows: T[] }).rows;
  return {
    pool,
    reader: database,
    transaction: (fn) => database.transaction((tx) => fn(tx)),
    savepoint: (tx, fn) => (tx as unknown as Parameters<Parameters<typeof database.transaction>[0]>[0]).transaction((inner) => fn(inner)),
    rows,
    close: () => pool.end(),
  };
}
