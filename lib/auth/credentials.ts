import 'server-only';
import { setTimeout as sleep } from 'node:timers/promises';
import { eq, inArray } from 'drizzle-orm';
import { db, type Executor, writeTransaction } from '@/db';
import { organizations, throttleHits, users } from '@/db/schema';
import { audit } from '@/lib/audit';
import { addressKey } from '@/lib/address-key';
import { config } from '@/lib/config';
import { log } from '@/lib/log';
import { deviceTokenHolds, type DeviceToken } from './device-token';
import { verifyPasswordFrom } from './password';
import type { CurrentSession } from './session';
import { clearAttempts, countAttempt, type ThrottleRule } from './throttle';
import { tokenDigest } from './tokens';

/** A client known to be the user's: its failures count against its own key, and no lock on the email or address applies to it. */
export interface KnownDevice {
  userId: number;
  key: string;
  /** Whether the claim holds for the user's current password hash. */
  holds: (passwordHash: string | null) => boolean;
}

/** The browser's device cookie as a known device (of the user it names, checked against the email's user). */
export function knownDevice(token: DeviceToken | null): KnownDevice | null {
  return token && { userId: token.userId, key: `pw:device:${token.nonce}`, holds: (hash) => deviceTokenHolds(token, hash) };
}

/** The profile's password prompts: a signed-in session is its user's own browser, a known device by definition. */
export function sessionDevice(current: CurrentSession): KnownDevice {
  return { userId: current.user.id, key: `pw:session:${tokenDigest(current.sessionId)}`, holds: () => true };
}

function passwordRules(email: string, ip: string, deviceKey: string | null): ThrottleRule[] {
  const { emailFailures, ipFailures, windowMs, lockMs } = config().password;
  if (deviceKey) return [{ key: deviceKey, limit: emailFailures, windowMs, lockMs }];
  // Keyed by the submitted email whether or not it exists, so a lock reveals nothing.
  return [
    { key: `pw:email:${email}`, limit: emailFailures, windowMs, lockMs },
    { key: `pw:ip:${addressKey(ip)}`, limit: ipFailures, windowMs, lockMs },
  ];
}

/** One audit event per lock (not per refused attempt); an address lock or an unknown email only logs. */
async function recordLock(tx: Executor, rule: ThrottleRule, user: { id: number; orgId: number } | undefined, ip: string): Promise<void> {
  const throttle = rule.key.split(':')[1];
  if (user && throttle !== 'ip') await audit(tx, { orgId: user.orgId, actor: { kind: 'system' }, targetUserId: user.id, action: 'sign_in.locked', detail: { throttle }, ip });
  else log('sign_in.locked', { throttle, ip });
}

/**
 * Checks an email and password behind the password throttle (counted before the check): per known
 * device when `device` belongs to this email's user, else per submitted email and per address.
 * Unknown emails, SSO-only and deactivated accounts still pay for one bcrypt comparison, so every failure looks
 * and takes the same; a locked attempt pays for none and answers after a fixed delay.
 */
export async function checkPassword(email: string, password: string, ip: string, device: KnownDevice | null = null) {
  const [row] = await (await db())
    .select({
      id: users.id,
      orgId: users.orgId,
      passwordHash: users.passwordHash,
      signInMethod: users.signInMethod,
      twoFactorRequired: users.twoFactorRequired,
      totpEnabledAt: users.totpEnabledAt,
      webauthnKeyCount: users.webauthnKeyCount,
      credentialsVersion: users.credentialsVersion,
      deactivatedAt: users.deactivatedAt,
      policy: organizations.twoFactorPolicy,
      graceDays: organizations.twoFactorGraceDays,
      graceStartedAt: users.twoFactorGraceStartedAt,
    })
    .from(users)
    .innerJoin(organizations, eq(organizations.id, users.orgId))
    .where(eq(users.email, email));
  const deviceKey = row && device?.userId === row.id && device.holds(row.passwordHash) ? device.key : null;
  const attempt = await countAttempt(passwordRules(email, ip, deviceKey), Date.now(), (tx, rule) => recordLock(tx, rule, row, ip));
  const failed = { ok: false as const, userId: row?.id ?? null, orgId: row?.orgId ?? null };
  if ('lockedUntil' in attempt) {
    await sleep(config().password.lockedDelayMs);
    return { ...failed, locked: true };
  }
  const ok = await verifyPasswordFrom(addressKey(ip), password, row?.signInMethod === 'password' ? row.passwordHash : null);
  // A deactivated user is refused after the same comparison, with the same answer as a wrong password.
  if (!row || !ok || row.deactivatedAt !== null) return { ...failed, locked: false };
  // A success forgets the email's (or the device's) failures and does not count against the address.
  await writeTransaction(async (tx) => {
    await clearAttempts(tx, [deviceKey ?? `pw:email:${email}`]);
    await tx.delete(throttleHits).where(inArray(throttleHits.id, attempt.hitIds));
  });
  const { passwordHash: _hash, deactivatedAt: _deactivated, ...user } = row;
  return { ok: true as const, user };
}
