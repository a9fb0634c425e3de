import 'server-only';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { Executor, Handle, Reader } from './index';
import { journalLength } from './journal';
import * as schema from './schema/sqlite';

export const sqliteMigrations = path.join(/* turbopackIgnore: true */ process.cwd(), 'db', 'migrations', 'sqlite');

/** How many migrations this version of Deskgate has. */
export function knownMigrations(): number {
  return journalLength(sqliteMigrations);
}

/** Whether every committed migration is already recorded: then opening needs no write at all. */
function migrationsApplied(sqlite: Database.Database): boolean {
  const table = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get();
  if (!table) return false;
  const row = sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
  return row.n >= knownMigrations();
}

/** Applies the migrations this version has and the database lacks (db:restore runs them on a backup too). */
export function migrateSqlite(sqlite: Database.Database): void {
  if (!migrationsApplied(sqlite)) migrate(drizzle(sqlite, { schema }), { migrationsFolder: sqliteMigrations });
}

/**
 * Drizzle asks better-sqlite3 to prepare every query anew, and SQLite compiles the SQL each time.
 * Queries repeat (values are bound as parameters), so the compiled statements are kept and reused.
 */
export function reuseStatements(sqlite: Database.Database): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const statements = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    const known = statements.get(source);
    if (known) {
      // Drizzle switches a statement to raw (array) rows when it wants them; start each use plain.
      if (known.reader) known.raw(false);
      return known;
    }
    const statement = prepare(source);
    // Bounded: search pages and id lists make a few distinct statements, not an unbounded number.
    if (statements.size >= 500) statements.clear();
    statements.set(source, statement);
    return statement;
  }) as typeof sqlite.prepare;
}

/**
 * Creates the folder (0700) and an empty database file (0600) when missing; SQLite gives the
 * -wal and -shm files the database file's mode. Existing ones keep the mode their owner chose.
 */
export function createPrivately(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
}

function connect(file: string, readonly: boolean): Database.Database {
  const sqlite = new Database(file, { readonly });
  if (!readonly) sqlite.pragma('journal_mode = WAL');
  // FULL: with WAL, NORMAL may lose the last commits on power loss (a used recovery code could come back).
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  reuseStatements(sqlite);
  return sqlite;
}

export interface SqliteHandle extends Handle {
  writer: Database.Database;
}

/**
 * Opens (creating when missing) and migrates a SQLite database; `:memory:` for tests. Writes go
 * through one connection, one transaction at a time (a queue in the process: better-sqlite3 is
 * synchronous, but a transaction's body awaits, and no other statement may slip into it); reads
 * outside transactions use a second, read-only connection, which sees only committed data.
 */
export function openSqlite(file: string): SqliteHandle {
  const memory = file === ':memory:';
  if (!memory) createPrivately(file);
  const writer = connect(file, false);
  migrateSqlite(writer);
  const writerDb = drizzle(writer, { schema });
  // An in-memory database has no file to share: its one connection also reads.
  const reader = memory ? writer : connect(file, true);
  const readerDb = memory ? writerDb : drizzle(reader, { schema });

  let queue: Promise<unknown> = Promise.resolve();
  let depth = 0;
  const exec = (statement: string) => writer.prepare(statement).run();

  const transaction = <T>(fn: (tx: Executor) => Promise<T>): Promise<T> => {
    const run = queue.then(async () => {
      // IMMEDIATE: take the write lock up front, waiting (busy_timeout) for another process's.
      exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(writerDb as unknown as Executor);
        exec('COMMIT');
        return result;
      } catch (error) {
        if (writer.inTransaction) exec('ROLLBACK');
        throw error;
      }
    });
    queue = run.catch(() => undefined);
    return run;
  };

  // Named by depth, not by a running count: a new name each time was two new statements for the
  // statement cache (reuseStatements) on every savepoint, which filled it every 250 savepoints and
  // made every query compile again. Savepoints nest (one transaction at a time), so sp1, sp2, … suffice.
  const savepoint = async <T>(tx: Executor, fn: (tx: Executor) => Promise<T>): Promise<T> => {
    const name = `sp${++depth}`;
    exec(`SAVEPOINT ${name}`);
    try {
      const result = await fn(tx);
      exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      exec(`ROLLBACK TO ${name}`);
      exec(`RELEASE ${name}`);
      throw error;
    } finally {
      depth -= 1;
    }
  };

  const rows = async <T>(ex: Executor | Reader, query: SQL): Promise<T[]> =>
    (ex as unknown as ReturnType<typeof drizzle>).all<T>(query);

  return {
    writer,
    reader: readerDb as unknown as Reader,
    transaction,
    savepoint,
    rows,
    close: async () => {
      await queue;
      if (reader !== writer) reader.close();
      writer.close();
    },
  };
}
