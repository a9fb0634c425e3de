import 'server-only';
import { eq, inArray } from 'drizzle-orm';
import { db, writeTransaction } from '@/db';
import { organizations, throttleHits, users } from '@/db/schema';
import { config } from '@/lib/config';
import { verifyPassword } from './password';
import { clearAttempts, countAttempt, type ThrottleRule } from './throttle';

function passwordRules(email: string, ip: string): ThrottleRule[] {
  const { emailFailures, ipFailures, windowMs, lockMs } = config().password;
  // Keyed by the submitted email whether or not it exists, so a lock reveals nothing.
  return [
    { key: `pw:email:${email}`, limit: emailFailures, windowMs, lockMs },
    { key: `pw:ip:${ip}`, limit: ipFailures, windowMs, lockMs },
  ];
}

/**
 * Checks an email and password behind the password throttle (counted before the check). Unknown
 * emails, SSO-only accounts and locked keys still pay for one bcrypt comparison, so every failure
 * looks and takes the same.
 */
export async function checkPassword(email: string, password: string, ip: string) {
  const attempt = countAttempt(passwordRules(email, ip));
  const row = db()
    .select({
      id: users.id,
      orgId: users.orgId,
      passwordHash: users.passwordHash,
      signInMethod: users.signInMethod,
      twoFactorRequired: users.twoFactorRequired,
      totpEnabledAt: users.totpEnabledAt,
      credentialsVersion: users.credentialsVersion,
      policy: organizations.twoFactorPolicy,
    })
    .from(users)
    .innerJoin(organizations, eq(organizations.id, users.orgId))
    .where(eq(users.email, email))
    .get();
  const locked = 'lockedUntil' in attempt;
  const usable = !locked && row?.signInMethod === 'password' ? row.passwordHash : null;
  const ok = await verifyPassword(password, usable);
  if (!row || !ok || 'lockedUntil' in attempt) {
    return { ok: false as const, locked, userId: row?.id ?? null, orgId: row?.orgId ?? null };
  }
  // A success forgets the email's failures and does not count against the address.
  writeTransaction((tx) => {
    clearAttempts(tx, [`pw:email:${email}`]);
    tx.delete(throttleHits).where(inArray(throttleHits.id, attempt.hitIds)).run();
  });
  const { passwordHash: _hash, ...user } = row;
  return { ok: true as const, user };
}
