import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { config } from '@/lib/config';
import { e2eDir } from './env';

/** SQLite: a consistent copy of the suite's database in a folder of its own, with the keys it was written under. */
export function copyOfTheDatabase(label: string): string {
  const dir = path.join(e2eDir, `${label}-${Date.now()}`);
  mkdirSync(dir);
  const file = path.join(dir, 'deskgate.db');
  const source = new Database(config().databasePath, { readonly: true, fileMustExist: true });
  try {
    source.prepare('VACUUM INTO ?').run(file);
  } finally {
    source.close();
  }
  for (const key of ['auth-secret', 'encryption-key', 'code-key']) copyFileSync(path.join(path.dirname(config().databasePath), key), path.join(dir, key));
  return `file:${file}`;
}
