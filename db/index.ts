import 'server-only';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { config } from '@/lib/config';
import * as schema from './schema';

const migrationsFolder = path.join(/* turbopackIgnore: true */ process.cwd(), 'db', 'migrations');

/** Opens (creating when missing) and migrates a database; `:memory:` for tests. */
export function openDatabase(file: string) {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const database = drizzle(sqlite, { schema });
  migrate(database, { migrationsFolder });
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

export { schema };
