import 'server-only';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { database, store } from '@/db';
import type { SqliteHandle } from '@/db/sqlite';

export class BackupRefused extends Error {}

/**
 * A consistent copy of the SQLite database while the server keeps serving: SQLite's online backup
 * API copies pages in steps and restarts a step that a concurrent write changed. The key files are
 * not in it; they must travel with it. PostgreSQL has its own tools.
 */
export async function backupDatabase(target: string): Promise<{ file: string; pages: number }> {
  if (store === 'postgres') throw new BackupRefused('on PostgreSQL, back up with pg_dump (pg_dump --format=custom "$DATABASE_URL" > deskgate.dump) and keep the keys with it.');
  const file = path.resolve(target);
  if (existsSync(file)) throw new BackupRefused(`${file} exists; give a new file name.`);
  const handle = (await database()) as SqliteHandle;
  const result = await handle.writer.backup(file);
  return { file, pages: result.totalPages };
}
