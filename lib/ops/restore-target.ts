import 'server-only';
import { chmodSync, closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

const SIDECARS = ['-wal', '-shm', '-journal'];

/** Removes a file and the journal files SQLite may have left beside it. */
export function removeWithSidecars(file: string): void {
  for (const f of [file, ...SIDECARS.map((suffix) => file + suffix)]) rmSync(f, { force: true });
}

/** Whether `a` and `b` are the same file, whatever the paths (a symbolic or hard link to it). */
export function sameFile(a: string, b: string): boolean {
  if (!existsSync(a) || !existsSync(b)) return false;
  const [x, y] = [statSync(a), statSync(b)];
  return x.dev === y.dev && x.ino === y.ino;
}

/**
 * Whether a process (a running server) has the database open. In WAL mode every open connection
 * holds a shared lock on the file for as long as it is open, idle or not; an exclusive lock,
 * asked for without waiting, fails then.
 */
export function inUse(file: string): boolean {
  if (!existsSync(file)) return false;
  const sqlite = new Database(file, { fileMustExist: true });
  try {
    sqlite.pragma('busy_timeout = 0');
    sqlite.pragma('locking_mode = EXCLUSIVE');
    sqlite.exec('BEGIN IMMEDIATE');
    sqlite.exec('COMMIT');
    return false;
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return true;
    throw error;
  } finally {
    sqlite.close();
  }
}

/**
 * Moves the checked copy over the database in one rename. The old database's -wal and -shm go
 * first: SQLite would otherwise replay the old database's pages onto the new one.
 */
export function replaceDatabase(copy: string, file: string): void {
  if (existsSync(file)) chmodSync(copy, statSync(file).mode & 0o777);
  for (const suffix of SIDECARS) rmSync(file + suffix, { force: true });
  renameSync(copy, file);
  const folder = openSync(path.dirname(file), 'r');
  try {
    fsyncSync(folder);
  } finally {
    closeSync(folder);
  }
}
