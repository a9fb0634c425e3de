import 'server-only';
import { eq } from 'drizzle-orm';
import { db } from '@/db';
import { organizations, users } from '@/db/schema';
import { verifyPassword } from './password';

/**
 * Checks an email and password. Unknown emails and SSO-only accounts still pay for one bcrypt
 * comparison, so every failure looks and takes the same.
 */
export async function checkPassword(email: string, password: string) {
  const row = db()
    .select({
      id: users.id,
      orgId: users.orgId,
      passwordHash: users.passwordHash,
      signInMethod: users.signInMethod,
      twoFactorRequired: users.twoFactorRequired,
      totpEnabledAt: users.totpEnabledAt,
      policy: organizations.twoFactorPolicy,
    })
    .from(users)
    .innerJoin(organizations, eq(organizations.id, users.orgId))
    .where(eq(users.email, email))
    .get();
  const usable = row?.signInMethod === 'password' ? row.passwordHash : null;
  const ok = await verifyPassword(password, usable);
  if (!row || !ok) return { ok: false as const, userId: row?.id ?? null, orgId: row?.orgId ?? null };
  const { passwordHash: _hash, ...user } = row;
  return { ok: true as const, user };
}
