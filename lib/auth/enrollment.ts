import 'server-only';
import { and, eq, gt } from 'drizzle-orm';
import { type Executor, db, writeTransaction } from '@/db';
import { loginChallenges, pendingEnrollments, recoveryCodes, users } from '@/db/schema';
import { audit, type AuditEntry } from '@/lib/audit';
import { config } from '@/lib/config';
import { deleteUserChallenges } from './challenge';
import { tokenDigest } from './tokens';
import { codeDigest, decryptForUser, encryptForUser } from './crypto';
import { newRecoveryCodes, normalizeRecoveryCode } from './recovery-codes';
import { acceptTotp, markSessionSecondFactor } from './second-factor';
import { revokeUserSessions } from './session';
import { newTotpSecret } from './totp';

/** The user's pending secret (decrypted for display), when one is waiting and not expired. */
export function pendingSecret(userId: number, now = Date.now()): string | null {
  const row = db().select({ secret: pendingEnrollments.secret }).from(pendingEnrollments).where(and(eq(pendingEnrollments.userId, userId), gt(pendingEnrollments.expiresAt, now))).get();
  return row ? decryptForUser(row.secret, userId) : null;
}

/** Starts (or restarts) enrollment: one pending secret per user, encrypted, remembering the 2FA it would replace. */
export function beginEnrollment(userId: number, now = Date.now()): string {
  const secret = newTotpSecret();
  writeTransaction((tx) => {
    const user = tx.select({ version: users.twoFactorVersion }).from(users).where(eq(users.id, userId)).get();
    if (!user) throw new Error('No such user');
    const row = { secret: encryptForUser(secret, userId), baseVersion: user.version, expiresAt: now + config().setupChallengeMs };
    tx.insert(pendingEnrollments).values({ userId, ...row }).onConflictDoUpdate({ target: pendingEnrollments.userId, set: row }).run();
  });
  return secret;
}

export function cancelEnrollment(userId: number): void {
  db().delete(pendingEnrollments).where(eq(pendingEnrollments.userId, userId)).run();
}

/** Replaces a user's recovery codes with fresh ones and returns them (the only time they exist in clear). */
export function replaceRecoveryCodes(tx: Executor, userId: number): string[] {
  const codes = newRecoveryCodes();
  tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)).run();
  tx.insert(recoveryCodes)
    .values(codes.map((code) => ({ userId, codeHash: codeDigest(normalizeRecoveryCode(code)!) })))
    .run();
  tx.update(users).set({ recoveryCodesLeft: codes.length }).where(eq(users.id, userId)).run();
  return codes;
}

export type ConfirmResult = { ok: true; codes: string[] } | { ok: false; reason: 'expired' | 'stale' | 'invalid' };

interface ConfirmOptions {
  /** The session that confirmed (profile): it stays, others end, and it counts as a fresh second factor. */
  sessionId?: string;
  /** The setup challenge that confirmed (interstitial): it stays, marked as enrolled; other pending sign-ins end. */
  challengeToken?: string;
  audit: Omit<AuditEntry, 'action' | 'detail'>;
}

/**
 * Turns 2FA on (or swaps the secret) the moment the code verifies — only if the user's 2FA did not
 * change since the QR code was shown. Old secret and codes stop working in the same transaction.
 */
export function confirmEnrollment(userId: number, code: string, options: ConfirmOptions, now = Date.now()): ConfirmResult {
  return writeTransaction(
    (tx) => {
      const pending = tx.select().from(pendingEnrollments).where(and(eq(pendingEnrollments.userId, userId), gt(pendingEnrollments.expiresAt, now))).get();
      if (!pending) return { ok: false, reason: 'expired' };
      const user = tx.select({ version: users.twoFactorVersion, enabledAt: users.totpEnabledAt }).from(users).where(eq(users.id, userId)).get()!;
      if (user.version !== pending.baseVersion) return { ok: false, reason: 'stale' };
      if (!acceptTotp(tx, userId, decryptForUser(pending.secret, userId), code, now, true)) return { ok: false, reason: 'invalid' };
      tx.update(users)
        .set({ totpSecret: pending.secret, totpEnabledAt: now, twoFactorVersion: user.version + 1 })
        .where(and(eq(users.id, userId), eq(users.twoFactorVersion, pending.baseVersion)))
        .run();
      tx.delete(pendingEnrollments).where(eq(pendingEnrollments.userId, userId)).run();
      const codes = replaceRecoveryCodes(tx, userId);
      revokeUserSessions(tx, userId, options.sessionId);
      if (options.sessionId) markSessionSecondFactor(tx, options.sessionId, now);
      deleteUserChallenges(tx, userId, options.challengeToken);
      if (options.challengeToken) {
        tx.update(loginChallenges).set({ secondFactorAt: now }).where(eq(loginChallenges.id, tokenDigest(options.challengeToken))).run();
      }
      audit(tx, { ...options.audit, action: user.enabledAt === null ? '2fa.enabled' : '2fa.reconfigured' });
      return { ok: true, codes };
    }
  );
}
