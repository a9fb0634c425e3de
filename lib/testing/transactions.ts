import path from 'node:path';
import { like } from 'drizzle-orm';
import { db, store, type Executor } from '@/db';
import { organizations } from '@/db/schema';
import { tempDir } from './spawn';

/**
 * On SQLite, a database file, to call before any query opens the process's database: on `:memory:` one
 * connection both writes and reads, so a read would see a transaction's writes before its commit.
 */
export function readThroughItsOwnConnection(): void {
  if (store === 'sqlite') process.env.DATABASE_URL = `file:${path.join(tempDir(), 'transactions.db')}`;
}

export const addOrg = (tx: Executor, slug: string) => tx.insert(organizations).values({ slug, name: slug, twoFactorPolicy: 'optional' });

/** The organizations whose slug starts with `prefix`, as `await db()` sees them here. */
export const slugs = async (prefix: string) =>
  (await (await db()).select({ slug: organizations.slug }).from(organizations).where(like(organizations.slug, `${prefix}%`))).map((r) => r.slug).sort();
