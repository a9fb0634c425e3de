import 'server-only';
import { closeSync, openSync, rmSync } from 'node:fs';
import path from 'node:path';
import { database, store } from '@/db';
import type { SqliteHandle } from '@/db/sqlite';
import { message } from '@/lib/i18n/keys';

/** A backup or restore refused, nothing changed: its message is a key (`Cli.backup.*`), said in the operator's language. */
export class BackupRefused extends Error {}

/**
 * A consistent copy of the SQLite database while the server keeps serving: SQLite's online backup
 * API copies pages in steps and restarts a step that a concurrent write changed. The key files are
 * not in it; they must travel with it. PostgreSQL has its own tools.
 */
export async function backupDatabase(target: string): Promise<{ file: string; pages: number }> {
  if (store === 'postgres') throw new BackupRefused('Cli.backup.postgresBackup');
  const file = path.resolve(target);
  // Created here, exclusively and private (0600): it holds password hashes and encrypted secrets.
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new BackupRefused(message('Cli.backup.exists', { file }));
    if (code === 'ENOENT') throw new BackupRefused(message('Cli.backup.noFolder', { folder: path.dirname(file) }));
    throw error;
  }
  try {
    const handle = (await database()) as SqliteHandle;
    const result = await handle.writer.backup(file);
    return { file, pages: result.totalPages };
  } catch (error) {
    rmSync(file, { force: true });
    throw error;
  }
}
