import { inArray, lte, sql, type SQL } from 'drizzle-orm';
import { alias as pgAlias, type AnyPgColumn, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import { alias as sqliteAlias } from 'drizzle-orm/sqlite-core';
import type { Db } from './index';
import { store } from './store';

// What the two stores spell differently, kept in one place; query code stays the same for both.

/** Case-insensitive order and prefix ranges, as the admin table's indexes hold them (a column, or a value compared with one). */
export function caseless(column: AnyPgColumn | string): SQL {
  return store === 'postgres' ? sql`lower(${column}) collate "C"` : sql`${column} collate nocase`;
}

/** Byte order (SQLite's default; PostgreSQL's columns follow the database's locale otherwise). */
export function bytewise(column: AnyPgColumn | string): SQL {
  return store === 'postgres' ? sql`${column} collate "C"` : sql`${column}`;
}

/**
 * Rows another transaction is deleting right now are left to it (PostgreSQL `FOR UPDATE SKIP
 * LOCKED`): housekeeping by several instances at once never waits or deadlocks on the same rows.
 * SQLite runs one write transaction at a time and needs nothing.
 */
export function skipLocked<Q>(query: Q): Q {
  if (store !== 'postgres') return query;
  return (query as unknown as { for: (strength: 'update', config: { skipLocked: true }) => Q }).for('update', { skipLocked: true });
}

/** A second name for a table in one query (the audit log joins users twice). */
export const alias: typeof pgAlias = store === 'postgres' ? pgAlias : (sqliteAlias as unknown as typeof pgAlias);

/**
 * Housekeeping: deletes up to `batch` rows whose `at` is at most `cutoff`, oldest first (an index on
 * `at` makes it a short range read, however large the table), skipping rows another transaction is
 * deleting (skipLocked). Callers run it beside a write that adds one row: taking more than one a
 * time, a table holds what is still of use and a shrinking rest.
 */
export async function deleteOldest(tx: Pick<Db, 'select' | 'delete'>, table: PgTable, id: PgColumn, at: PgColumn, cutoff: number, batch = 50): Promise<void> {
  await tx.delete(table).where(inArray(id, oldestRows(tx, table, id, at, cutoff, batch)));
}

/** The ids deleteOldest deletes (apart, so that a test can read its plan). */
export function oldestRows(tx: Pick<Db, 'select'>, table: PgTable, id: PgColumn, at: PgColumn, cutoff: number, batch = 50) {
  return skipLocked(tx.select({ id }).from(table).where(lte(at, cutoff)).orderBy(at).limit(batch));
}
