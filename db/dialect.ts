import { sql, type SQL } from 'drizzle-orm';
import { alias as pgAlias, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { alias as sqliteAlias } from 'drizzle-orm/sqlite-core';
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
