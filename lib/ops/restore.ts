import 'server-only';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { store } from '@/db';
import { knownMigrations, migrateSqlite } from '@/db/sqlite';
import { config } from '@/lib/config';
import { keysNotMatching } from '@/lib/secrets';
import { BackupRefused } from './backup';
import { message } from '@/lib/i18n/keys';
import { schemaDifferences } from './restore-schema';
import { inUse, removeWithSidecars, replaceDatabase, sameFile } from './restore-target';

export interface Restored {
  file: string;
  from: string;
  pages: number;
  /** Users the replaced database held (only with --force). */
  replacedUsers: number;
  /** Migrations the backup lacked, applied to it before it replaced the database. */
  migrationsToApply: number;
}

const refuse = (message: string): never => {
  throw new BackupRefused(message);
};

/**
 * Opens a file read-only. A WAL-mode database (every backup of a running Deskgate) makes SQLite
 * create -wal and -shm files even so: `tidy` removes the ones that were not there before.
 */
async function readOnly<T>(file: string, tidy: boolean, fn: (sqlite: Database.Database) => Promise<T>): Promise<T> {
  const created = tidy ? ['-wal', '-shm'].map((suffix) => file + suffix).filter((f) => !existsSync(f)) : [];
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  try {
    // Until it is checked, the schema is the backup's: its triggers and views may call no function with side effects.
    sqlite.pragma('trusted_schema = OFF');
    return await fn(sqlite);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_NOTADB') refuse(message('Cli.backup.notSqlite', { file }));
    if (code === 'SQLITE_CORRUPT') refuse(message('Cli.backup.damaged', { file, error: (error as Error).message }));
    throw error;
  } finally {
    sqlite.close();
    for (const sidecar of created) rmSync(sidecar, { force: true });
  }
}

const tablesOf = (sqlite: Database.Database) => new Set((sqlite.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]).map((t) => t.name));

/** Checks that `sqlite` is a whole Deskgate database this version can run; returns its migration count and key check values. */
function inspectBackup(sqlite: Database.Database, from: string): { applied: number; keyChecks: Record<string, string> } {
  const integrity = sqlite.pragma('integrity_check', { simple: true }) as string;
  if (integrity !== 'ok') refuse(message('Cli.backup.damagedIntegrity', { file: from, detail: integrity.split('\n')[0]! }));
  const tables = tablesOf(sqlite);
  if (!['__drizzle_migrations', 'users', 'organizations'].every((t) => tables.has(t))) refuse(message('Cli.backup.notDeskgate', { file: from }));
  const { applied } = sqlite.prepare('select count(*) as applied from __drizzle_migrations').get() as { applied: number };
  if (applied > knownMigrations()) refuse(message('Cli.backup.newer', { file: from, applied, known: knownMigrations() }));
  // Every backup made by db:backup has them: the CLI records them before any command.
  if (!tables.has('key_checks')) refuse(message('Cli.backup.noKeyChecks', { file: from }));
  const rows = sqlite.prepare('select name, digest from key_checks').all() as { name: string; digest: string }[];
  return { applied, keyChecks: Object.fromEntries(rows.map((r) => [r.name, r.digest])) };
}

/** Refuses unless this installation has the data keys the backup was made with (never printing one). */
function requireSameKeys(from: string, recorded: Record<string, string>): void {
  const wrong = keysNotMatching(recorded);
  if (wrong.length === 0) return;
  const folder = path.dirname(wrong[0]!.file);
  refuse(message('Cli.backup.otherKeys', { file: from, names: wrong.map((k) => k.env).join(', '), folder }));
}

/** The users the configured database holds (0 when it does not exist yet). */
async function usersIn(target: string): Promise<number> {
  if (!existsSync(target)) return 0;
  return readOnly(target, false, async (sqlite) => {
    if (!tablesOf(sqlite).has('users')) return 0;
    return (sqlite.prepare('select count(*) as n from users').get() as { n: number }).n;
  });
}

/** A private (0600) copy of the backup beside the database, so that the final move is one rename. */
async function copyBeside(backup: Database.Database, file: string): Promise<{ copy: string; pages: number }> {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const copy = path.join(path.dirname(file), `.${path.basename(file)}.restore-${randomBytes(6).toString('hex')}`);
  closeSync(openSync(copy, 'wx', 0o600));
  try {
    return { copy, pages: (await backup.backup(copy)).totalPages };
  } catch (error) {
    removeWithSidecars(copy);
    throw error;
  }
}

/** Brings the copy up to this version's migrations, then refuses it unless its schema is exactly theirs. */
function migrateAndCheck(copy: string, from: string): void {
  const sqlite = new Database(copy, { fileMustExist: true });
  try {
    sqlite.pragma('trusted_schema = OFF');
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    // Deskgate makes no trigger and no view: one in the backup would run during the migrations below.
    const logic = sqlite.prepare("select type, name from sqlite_master where type in ('trigger', 'view') order by name").all() as { type: string; name: string }[];
    if (logic.length > 0) refuse(`${from} holds a schema Deskgate's migrations do not make: ${logic.map((o) => `${o.type} "${o.name}" (not Deskgate's)`).join(', ')}. Use a backup made by db:backup; nothing was changed.`);
    migrateSqlite(sqlite);
    const differences = schemaDifferences(sqlite);
    if (differences.length > 0) refuse(`${from} holds a schema Deskgate's migrations do not make: ${differences.join(', ')}. Use a backup made by db:backup; nothing was changed.`);
    // The checks before the copy read the backup file, which may have changed since: the copy itself must be whole.
    const integrity = sqlite.pragma('integrity_check', { simple: true }) as string;
    if (integrity !== 'ok') refuse(message('Cli.backup.copyDamaged', { file: from, detail: integrity.split('\n')[0]! }));
  } finally {
    sqlite.close();
  }
}

/**
 * Restores a backup made by db:backup into the configured SQLite database, after checking that it
 * is a whole Deskgate database made with this installation's keys, with exactly the schema this
 * version's migrations make (once they have brought it up to date), and (without `force`) that
 * the configured database holds no users. The server must be stopped: a database in use is refused.
 * The database is replaced in one rename; until then nothing is changed.
 */
export async function restoreDatabase(source: string, { force }: { force: boolean }): Promise<Restored> {
  if (store === 'postgres') {
    refuse('Cli.backup.postgresRestore');
  }
  const file = config().databasePath;
  if (file === ':memory:') refuse('Cli.backup.inMemory');
  const from = path.resolve(source);
  if (!existsSync(from)) refuse(message('Cli.backup.missing', { file: from }));
  if (!statSync(from).isFile()) refuse(message('Cli.backup.notFile', { file: from }));
  if (from === file || sameFile(from, file)) refuse(message('Cli.backup.itself', { file: from }));
  const { copy, ...restored } = await readOnly(from, true, async (backup) => {
    const { applied, keyChecks } = inspectBackup(backup, from);
    requireSameKeys(from, keyChecks);
    const replacedUsers = await usersIn(file);
    if (replacedUsers > 0 && !force) refuse(message('Cli.backup.hasUsers', { file, users: replacedUsers }));
    const { copy, pages } = await copyBeside(backup, file);
    return { copy, file, from, pages, replacedUsers, migrationsToApply: knownMigrations() - applied };
  });
  try {
    migrateAndCheck(copy, from);
    if (inUse(file)) refuse(message('Cli.backup.inUse', { file }));
    replaceDatabase(copy, file);
    return restored;
  } finally {
    removeWithSidecars(copy);
  }
}
