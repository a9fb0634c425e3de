import 'server-only';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { config } from '@/lib/config';
import * as schema from './schema';

const migrationsFolder = path.join(/* turbopackIgnore: true */ process.cwd(), 'db', 'migrations');

/** Whether every committed migration is already recorded: then opening needs no write at all. */
function migrationsApplied(sqlite: Database.Database): boolean {
  const journal = JSON.parse(readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
  const table = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get();
  if (!table) return false;
  const row = sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
  return row.n >= journal.entries.length;
}

/**
 * Drizzle asks better-sqlite3 to prepare every query anew, and SQLite compiles the SQL each time.
 * Queries repeat (values are bound as parameters), so the compiled statements are kept and reused.
 */
function reuseStatements(sqlite: Database.Database): void {
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
function createPrivately(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
}

/** Opens (creating when missing) and migrates a database; `:memory:` for tests. */
export function openDatabase(file: string) {
  if (file !== ':memory:') createPrivately(file);
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  // FULL: with WAL, NORMAL may lose the last commits on power loss (a used recovery code could come back).
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  reuseStatements(sqlite);
  const database = drizzle(sqlite, { schema });
  if (!migrationsApplied(sqlite)) migrate(database, { migrationsFolder });
  return database;
}

export type Db = ReturnType<typeof openDatabase>;
/** The database or a transaction on it: what query functions write through. */
export type Executor = Pick<Db, 'select' | 'insert' | 'update' | 'delete' | 'run' | 'get' | 'all'>;

const holder = globalThis as unknown as { deskgateDb?: Db };

/** The process's one database handle, opened on first use. */
export function db(): Db {
  holder.deskgateDb ??= openDatabase(config().databasePath);
  return holder.deskgateDb;
}

/**
 * A write transaction that takes the write lock up front (BEGIN IMMEDIATE). A deferred one that
 * reads and then writes fails at once with SQLITE_BUSY when another process wrote in between;
 * this one waits its turn (busy_timeout) instead — several app processes share the file.
 */
export function writeTransaction<T>(fn: (tx: Parameters<Parameters<Db['transaction']>[0]>[0]) => T): T {
  return db().transaction(fn, { behavior: 'immediate' });
}

export { schema };
