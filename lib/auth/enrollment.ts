import 'server-only';
import { and, eq, gt, sql } from 'drizzle-orm';
import { type Executor, db, lockUser, writeTransaction } from '@/db';
import { loginChallenges, pendingEnrollments, recoveryCodes, users } from '@/db/schema';
import { audit, type AuditEntry } from '@/lib/audit';
import { config } from '@/lib/config';
import { deleteUserChallenges } from './challenge';
import { newToken, tokenDigest } from './tokens';
import { codeDigest, decryptForUser, encryptForUser } from './crypto';
import { newRecoveryCodes, normalizeRecoveryCode } from './recovery-codes';
import { acceptTotp, markSessionSecondFactor } from './second-factor';
import { revokeUserSessions } from './session';
import { clockDrift, newTotpSecret } from './totp';
import { endTrustedBrowsers } from './trusted-browsers';

/**
 * Who started an enrollment: the session (profile) or the setup challenge (interstitial). The
 * pending secret belongs to it alone: another session of the same user, a copied cookie or a
 * forgotten kiosk, sees neither the secret nor may confirm it.
 */
export type EnrollmentOwner = { sessionId: string } | { challengeToken: string };

const ownerDigest = (owner: EnrollmentOwner) => tokenDigest('sessionId' in owner ? owner.sessionId : owner.challengeToken);

/** What the caller may see of the user's pending enrollment: its secret (decrypted) when it started it. */
export type PendingView = { secret: string } | { elsewhere: true } | null;

export async function pendingEnrollment(userId: number, owner: EnrollmentOwner, now = Date.now()): Promise<PendingView> {
  const [row] = await (await db())
    .select({ secret: pendingEnrollments.secret, owner: pendingEnrollments.owner })
    .from(pendingEnrollments)
    .where(and(eq(pendingEnrollments.userId, userId), gt(pendingEnrollments.expiresAt, now)));
  if (!row) return null;
  return row.owner === ownerDigest(owner) ? { secret: decryptForUser(row.secret, userId) } : { elsewhere: true };
}

/**
 * Starts (or restarts) enrollment: one pending secret per user, encrypted, remembering the 2FA it
 * would replace and who started it. A start from another session supersedes the earlier one.
 */
export async function beginEnrollment(userId: number, owner: EnrollmentOwner, now = Date.now()): Promise<string> {
  const secret = newTotpSecret();
  await writeTransaction(async (tx) => {
    await lockUser(tx, userId);
    const [user] = await tx.select({ version: users.twoFactorVersion }).from(users).where(eq(users.id, userId));
    if (!user) throw new Error('No such user');
    const row = { secret: encryptForUser(secret, userId), baseVersion: user.version, owner: ownerDigest(owner), expiresAt: now + config().setupChallengeMs };
    await tx.insert(pendingEnrollments).values({ userId, ...row }).onConflictDoUpdate({ target: pendingEnrollments.userId, set: row });
  });
  return secret;
}

/** Cancels the caller's own pending enrollment; one started elsewhere stays. */
export async function cancelEnrollment(userId: number, owner: EnrollmentOwner): Promise<void> {
  await writeTransaction((tx) =>
    tx.delete(pendingEnrollments).where(and(eq(pendingEnrollments.userId, userId), eq(pendingEnrollments.owner, ownerDigest(owner)))),
  );
}

/** Replaces a user's recovery codes with fresh ones and returns them (the only time they exist in clear). */
export async function replaceRecoveryCodes(tx: Executor, userId: number): Promise<string[]> {
  const codes = newRecoveryCodes();
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await tx.insert(recoveryCodes).values(codes.map((code) => ({ userId, codeHash: codeDigest(normalizeRecoveryCode(code)!) })));
  await tx.update(users).set({ recoveryCodesLeft: codes.length }).where(eq(users.id, userId));
  return codes;
}

export async function challengeSawVersion(tx: Executor, token: string, credentialsVersion: number): Promise<boolean> {
  const [row] = await tx.select({ version: loginChallenges.credentialsVersion }).from(loginChallenges).where(eq(loginChallenges.id, tokenDigest(token)));
  return row?.version === credentialsVersion;
}

/**
 * The sign-in that set up a second factor carries it (its session may still be made), under a new
 * token: a copy of the cookie from before the factor was added can no longer continue it.
 */
export async function carrySetupChallenge(tx: Executor, token: string, credentialsVersion: number, secondFactor: 'totp' | 'webauthn', now = Date.now()): Promise<string> {
  const next = newToken();
  await tx.update(loginChallenges).set({ id: tokenDigest(next), secondFactorAt: now, secondFactor, credentialsVersion }).where(eq(loginChallenges.id, tokenDigest(token)));
  return next;
}

/**
 * `codes`: new recovery codes; none when the app was added beside keys that already had some.
 * `challengeToken`: a setup challenge that confirmed goes on under this new token (its cookie must change).
 */
export type ConfirmResult = { ok: true; codes: string[]; challengeToken?: string } | { ok: false; reason: 'expired' | 'superseded' | 'stale' } | { ok: false; reason: 'invalid'; drift?: number };

interface ConfirmOptions {
  /**
   * Who confirms; it must be who started. A session stays while the user's others end, and counts
   * as a fresh second factor; a setup challenge stays, marked as enrolled, while other pending sign-ins end.
   */
  owner: EnrollmentOwner;
  audit: Omit<AuditEntry, 'action' | 'detail'>;
}

/**
 * Turns 2FA on (or swaps the secret) the moment the code verifies — only if the user's 2FA did not
 * change since the QR code was shown. Old secret and codes stop working in the same transaction.
 */
export async function confirmEnrollment(userId: number, code: string, options: ConfirmOptions, now = Date.now()): Promise<ConfirmResult> {
  return writeTransaction(
    async (tx): Promise<ConfirmResult> => {
      await lockUser(tx, userId);
      const [pending] = await tx.select().from(pendingEnrollments).where(and(eq(pendingEnrollments.userId, userId), gt(pendingEnrollments.expiresAt, now)));
      if (!pending) return { ok: false, reason: 'expired' };
      if (pending.owner !== ownerDigest(options.owner)) return { ok: false, reason: 'superseded' };
      const [user] = await tx
        .select({ version: users.twoFactorVersion, enabledAt: users.totpEnabledAt, keys: users.webauthnKeyCount, codesLeft: users.recoveryCodesLeft, credentialsVersion: users.credentialsVersion })
        .from(users)
        .where(eq(users.id, userId));
      if (user!.version !== pending.baseVersion) return { ok: false, reason: 'stale' };
      // A setup challenge carries what its password step saw: a password changed since (or any other
      // change of the credentials) ends it here, before it could be stamped with the version made below.
      if ('challengeToken' in options.owner && !(await challengeSawVersion(tx, options.owner.challengeToken, user!.credentialsVersion))) {
        return { ok: false, reason: 'expired' };
      }
      const secret = decryptForUser(pending.secret, userId);
      if (!(await acceptTotp(tx, userId, secret, code, now, true))) {
        // A new secret has accepted no step yet: a code some minutes off is the phone's clock, the commonest reason a first code fails.
        const drift = clockDrift(secret, code, null, now);
        return { ok: false, reason: 'invalid', ...(drift !== null && { drift }) };
      }
      const [changed] = await tx
        .update(users)
        .set({ totpSecret: pending.secret, totpHintedStep: null, totpEnabledAt: now, twoFactorVersion: user!.version + 1, credentialsVersion: sql`${users.credentialsVersion} + 1` })
        .where(and(eq(users.id, userId), eq(users.twoFactorVersion, pending.baseVersion)))
        .returning({ credentialsVersion: users.credentialsVersion });
      await tx.delete(pendingEnrollments).where(eq(pendingEnrollments.userId, userId));
      // Recovery codes cover the app and the keys: an app added beside keys keeps the codes there are.
      const keepCodes = user!.enabledAt === null && user!.keys > 0 && user!.codesLeft > 0;
      const codes = keepCodes ? [] : await replaceRecoveryCodes(tx, userId);
      const { owner } = options;
      const sessionId = 'sessionId' in owner ? owner.sessionId : undefined;
      const challengeToken = 'challengeToken' in owner ? owner.challengeToken : undefined;
      await revokeUserSessions(tx, userId, sessionId);
      if (sessionId) await markSessionSecondFactor(tx, sessionId, now);
      await deleteUserChallenges(tx, userId, challengeToken);
      await endTrustedBrowsers(tx, userId);
      const next = challengeToken ? await carrySetupChallenge(tx, challengeToken, changed!.credentialsVersion, 'totp', now) : undefined;
      const action = user!.enabledAt !== null ? '2fa.reconfigured' : user!.keys > 0 ? '2fa.app_added' : '2fa.enabled';
      await audit(tx, { ...options.audit, action });
      return { ok: true, codes, challengeToken: next };
    }
  );
}
