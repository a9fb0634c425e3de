import Database from 'better-sqlite3';
import pg from 'pg';
import { storeFor } from '@/db/store';
import { resolveDatabasePath } from '@/lib/config';

/** One query with at most one parameter, written `$1` (PostgreSQL's spelling; SQLite gets `?`). */
export type Query = <R>(statement: string, param?: unknown) => Promise<R[]>;

/**
 * A connection of the test's own to the database a server under test writes, outside the app's
 * data layer: it reads while that server commits, is killed, and restarts.
 */
export interface SnapshotReader {
  /** Runs `fn` in one read-only transaction: all its queries see the same committed state. */
  snapshot: <T>(fn: (query: Query) => Promise<T>) => Promise<T>;
  close: () => Promise<void>;
}

function sqliteReader(url: string): SnapshotReader {
  const reader = new Database(resolveDatabasePath(url), { readonly: true, fileMustExist: true });
  const query: Query = async <R>(statement: string, param?: unknown) => {
    const prepared = reader.prepare(statement.replace(/\$1\b/g, '?'));
    return (param === undefined ? prepared.all() : prepared.all(param)) as R[];
  };
  return {
    snapshot: async (fn) => {
      reader.exec('BEGIN');
      try {
        return await fn(query);
      } finally {
        reader.exec('COMMIT');
      }
    },
    close: async () => {
      reader.close();
    },
  };
}

async function postgresReader(url: string): Promise<SnapshotReader> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const query: Query = async <R>(statement: string, param?: unknown) => (await client.query(statement, param === undefined ? [] : [param])).rows as R[];
  return {
    snapshot: async (fn) => {
      await client.query('begin isolation level repeatable read read only');
      try {
        return await fn(query);
      } finally {
        await client.query('commit');
      }
    },
    close: () => client.end(),
  };
}

export function openSnapshotReader(url: string): Promise<SnapshotReader> {
  return storeFor(url) === 'postgres' ? postgresReader(url) : Promise.resolve(sqliteReader(url));
}
