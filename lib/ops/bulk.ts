import 'server-only';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { database, store, writeTransaction, type PostgresHandle } from '@/db';
import { recoveryCodes, users } from '@/db/schema';
import { audit } from '@/lib/audit';
import { codeDigest, encryptForUser } from '@/lib/auth/crypto';
import { hashPassword } from '@/lib/auth/password';
import { newRecoveryCodes, normalizeRecoveryCode } from '@/lib/auth/recovery-codes';
import { newTotpSecret } from '@/lib/auth/totp';

const FIRST = ['Ada', 'Ben', 'Chloe', 'Dmitri', 'Emma', 'Farah', 'Gustav', 'Hana', 'Ivan', 'Jonas', 'Keiko', 'Lena', 'Mateo', 'Nora', 'Omar', 'Priya', 'Quentin', 'Rosa', 'Sven', 'Tariq', 'Uma', 'Viktor', 'Wei', 'Ximena', 'Yusuf', 'Zoe'];
const LAST = ['Novak', 'Schmidt', 'Garcia', 'Kowalski', 'Okafor', 'Tanaka', 'Rossi', 'Jensen', 'Dubois', 'Silva', 'Nguyen', 'Müller', 'Haddad', 'Larsen', 'Ivanova', 'Costa', 'Fischer', 'Sato', 'Kaur', 'Moreau'];
const BATCH = 500;

export interface BulkResult {
  created: number;
  password: string;
  twoFactor: number;
  sso: number;
}

/**
 * Fills an organization with `count` realistic users in one transaction: 15% SSO, 25% with 2FA
 * (real encrypted secrets and hashed recovery codes, some used up), 5% flagged as required, the
 * rest without 2FA. Every password user shares one random password, returned once.
 */
/** An address the sign-in form accepts: "Müller" becomes "muller" (names keep their accents). */
const asciiEmail = (address: string) =>
  address
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .toLowerCase();

export async function bulkCreateUsers(org: { id: number; slug: string }, count: number, progress: (done: number) => void): Promise<BulkResult> {
  const password = randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(password);
  const tag = randomBytes(3).toString('hex');
  const now = Date.now();
  let twoFactor = 0;
  let sso = 0;
  await writeTransaction(async (tx) => {
    for (let start = 0; start < count; start += BATCH) {
      const rows = [];
      for (let i = start; i < Math.min(count, start + BATCH); i++) {
        const kind = i % 20;
        const first = FIRST[i % FIRST.length]!;
        const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
        const isSso = kind < 3;
        rows.push({
          orgId: org.id,
          email: asciiEmail(`${first}.${last}.${tag}${i}@${org.slug}.example`),
          name: `${first} ${last}`,
          role: i % 97 === 0 ? ('admin' as const) : ('member' as const),
          signInMethod: isSso ? ('sso' as const) : ('password' as const),
          passwordHash: isSso ? null : passwordHash,
          twoFactorRequired: kind === 8,
          lastSignInAt: i % 3 === 0 ? null : now - (i % 1000) * 3_600_000,
          createdAt: now,
        });
      }
      const inserted = await tx.insert(users).values(rows).returning({ id: users.id });
      // The secrets are bound to the user id, known only now: one upsert per batch sets them (a
      // statement per user costs a round trip each on PostgreSQL).
      const enrolled: (typeof users.$inferInsert)[] = [];
      const codes: (typeof recoveryCodes.$inferInsert)[] = [];
      for (const [offset, { id }] of inserted.entries()) {
        const kind = (start + offset) % 20;
        if (kind < 3) sso += 1;
        if (kind < 3 || kind >= 8) continue;
        twoFactor += 1;
        const left = 10 - ((start + offset) % 11);
        const own = newRecoveryCodes().slice(0, Math.max(0, left));
        codes.push(...own.map((c) => ({ userId: id, codeHash: codeDigest(normalizeRecoveryCode(c)!) })));
        enrolled.push({ ...rows[offset]!, id, totpSecret: encryptForUser(newTotpSecret(), id), totpEnabledAt: now - offset * 60_000, totpLastUsedAt: now - offset * 30_000, recoveryCodesLeft: own.length, twoFactorVersion: 1 });
      }
      if (codes.length) await tx.insert(recoveryCodes).values(codes);
      if (enrolled.length) {
        await tx
          .insert(users)
          .values(enrolled)
          .onConflictDoUpdate({
            target: users.id,
            set: {
              totpSecret: sql`excluded.totp_secret`,
              totpEnabledAt: sql`excluded.totp_enabled_at`,
              totpLastUsedAt: sql`excluded.totp_last_used_at`,
              recoveryCodesLeft: sql`excluded.recovery_codes_left`,
              twoFactorVersion: sql`excluded.two_factor_version`,
            },
          });
      }
      progress(Math.min(count, start + BATCH));
    }
    await audit(tx, { orgId: org.id, actor: { kind: 'operator' }, action: 'org.bulk_users_created', detail: { count, twoFactor, sso } });
  });
  // PostgreSQL after a bulk load: VACUUM removes the rows the enrolment upserts left dead and marks
  // the table's pages all-visible, without which an index-only scan (the admin table's pages, the
  // adoption counts) still reads every row from the table until autovacuum comes round (measured at
  // 100,000 users: the counts took 47 ms, then 8); ANALYZE gives the planner the new statistics.
  // SQLite's planner needs neither.
  if (store === 'postgres') await vacuumUsers();
  return { created: count, password, twoFactor, sso };
}

/**
 * On a connection of its own, outside any transaction (VACUUM cannot run in one) and without the
 * pool's statement timeout, which is for requests: at a million users the vacuum takes longer. The
 * connection is closed afterwards rather than returned to the pool with its timeout off.
 */
async function vacuumUsers(): Promise<void> {
  const { pool } = (await database()) as PostgresHandle;
  const client = await pool.connect();
  try {
    await client.query('set statement_timeout = 0');
    await client.query('vacuum (analyze) users');
  } finally {
    client.release(true);
  }
}
