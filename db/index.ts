import 'server-only';
import { AsyncLocalStorage } from 'node:async_hooks';
import { sql, type SQL } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { config } from '@/lib/config';
import { metrics } from '@/lib/ops/metrics';
import { onShutdown } from '@/lib/ops/shutdown';
import type * as pgSchema from './schema/postgres';
import { journalLength } from './journal';
import { openPostgres, postgresMigrations, type PostgresHandle } from './postgres';
import { openSqlite, sqliteMigrations, type SqliteHandle } from './sqlite';
import { store } from './store';

/**
 * The query surface shared by both stores, typed as PostgreSQL's (see db/schema.ts). Every query
 * is awaited; a write happens only inside `writeTransaction`.
 */
export type Db = NodePgDatabase<typeof pgSchema>;
export type Executor = Pick<Db, 'select' | 'selectDistinct' | 'insert' | 'update' | 'delete'>;
/** What code outside a transaction may do: read. */
export type Reader = Pick<Db, 'select' | 'selectDistinct'>;

export interface Handle {
  /** Reads outside any transaction: SQLite's read connection, PostgreSQL's pool. */
  reader: Reader;
  transaction: <T>(fn: (tx: Executor) => Promise<T>) => Promise<T>;
  savepoint: <T>(tx: Executor, fn: (tx: Executor) => Promise<T>) => Promise<T>;
  /** One raw statement's rows (counts, maintenance). */
  rows: <T>(ex: Executor | Reader, query: SQL) => Promise<T[]>;
  close: () => Promise<void>;
}

const holder = globalThis as unknown as { deskgateDb?: Promise<Handle> | Handle };
const currentTransaction = new AsyncLocalStorage<Executor>();

/** Opens and migrates the process's database, or the one given (a SQLite file or a PostgreSQL URL, per the store). */
export async function openDatabase(target?: string): Promise<Handle> {
  if (store === 'postgres') return openPostgres(target ?? config().databaseUrl, config().postgres);
  return openSqlite(target ?? config().databasePath);
}

/** The process's database, opened (and migrated) on first use. */
export function database(): Promise<Handle> | Handle {
  holder.deskgateDb ??= openDatabase().then(
    (handle) => {
      // Closes this handle unless it was closed already (closeDatabase, then perhaps opened again).
      onShutdown(async () => {
        if (holder.deskgateDb === handle) await closeDatabase();
      });
      return (holder.deskgateDb = handle);
    },
    (error: unknown) => {
      // The next request tries again: a database that was down at the first request may be back.
      holder.deskgateDb = undefined;
      throw error;
    },
  );
  return holder.deskgateDb;
}

async function handle(): Promise<Handle> {
  return database();
}

/**
 * Reads: inside a transaction, that transaction (it sees its own writes); else the read handle.
 * Awaitable, so that the first call opens the database.
 */
export async function db(): Promise<Reader> {
  return currentTransaction.getStore() ?? (await handle()).reader;
}

/**
 * A write transaction. SQLite: one writer connection, transactions queued in the process (no
 * other request's statement runs inside an open one) and BEGIN IMMEDIATE across processes.
 * PostgreSQL: a pooled connection, READ COMMITTED; rules that read before they write take
 * `lockUser` or `lockKeys` first. Called inside another, it is a savepoint of that one.
 */
export async function writeTransaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T> {
  const h = await handle();
  const outer = currentTransaction.getStore();
  if (outer) return h.savepoint(outer, (tx) => currentTransaction.run(tx, () => fn(tx)));
  const timer = metrics().transactions.startTimer();
  try {
    const result = await h.transaction((tx) => currentTransaction.run(tx, () => fn(tx)));
    timer({ outcome: 'commit' });
    return result;
  } catch (error) {
    timer({ outcome: 'rollback' });
    throw error;
  }
}

/** Whether this code runs inside a write transaction (its own work would be a savepoint of it). */
export function inTransaction(): boolean {
  return currentTransaction.getStore() !== undefined;
}

/**
 * Serializes this transaction with every other one that locks the same users, on any instance:
 * PostgreSQL `SELECT … FOR NO KEY UPDATE` on their rows, in id order (two transactions locking the
 * same pair never wait on each other). NO KEY: the foreign-key checks of inserts that name the user
 * (sessions, challenges, audit rows) are not blocked. SQLite's writes are serialized already.
 */
export async function lockUsers(tx: Executor, userIds: number[]): Promise<void> {
  if (store !== 'postgres') return;
  for (const id of [...new Set(userIds)].sort((a, b) => a - b)) await rawRows(sql`select id from users where id = ${id} for no key update`, tx);
}

export async function lockUser(tx: Executor, userId: number): Promise<void> {
  await lockUsers(tx, [userId]);
}

/**
 * An organization's row (its policy): `exclusive` for a change of it, shared for a change that
 * read the policy and must not outlive a concurrent change of it. Taken before any user's row.
 */
export async function lockOrganization(tx: Executor, orgId: number, mode: 'exclusive' | 'shared' = 'exclusive'): Promise<void> {
  if (store !== 'postgres') return;
  const strength = mode === 'exclusive' ? sql`for no key update` : sql`for share`;
  await rawRows(sql`select id from organizations where id = ${orgId} ${strength}`, tx);
}

/**
 * Serializes transactions that count under the same keys (throttle windows): PostgreSQL
 * transaction-scoped advisory locks, taken in one order so that two never wait on each other.
 */
export async function lockKeys(tx: Executor, keys: string[]): Promise<void> {
  if (store !== 'postgres') return;
  for (const key of [...new Set(keys)].sort()) await rawRows(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`, tx);
}

/** The rows of one raw statement, on either store. */
export async function rawRows<T>(query: SQL, ex?: Executor | Reader): Promise<T[]> {
  const h = await handle();
  return h.rows<T>(ex ?? currentTransaction.getStore() ?? h.reader, query);
}

/** Migrations of this build the database has not recorded (another instance may be ahead: never below 0). */
export async function pendingMigrations(): Promise<number> {
  const [folder, table] = store === 'postgres' ? [postgresMigrations, sql`drizzle.__drizzle_migrations`] : [sqliteMigrations, sql`__drizzle_migrations`];
  const [row] = await rawRows<{ n: number | string }>(sql`select count(*) as n from ${table}`);
  return Math.max(0, journalLength(folder) - Number(row?.n ?? 0));
}

/** Closes the process's database (graceful shutdown, CLI exit, tests). */
export async function closeDatabase(): Promise<void> {
  const open = holder.deskgateDb;
  holder.deskgateDb = undefined;
  if (open) await (await open).close();
}

export { store };
export type { PostgresHandle, SqliteHandle };
