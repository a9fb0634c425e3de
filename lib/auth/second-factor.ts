import 'server-only';
import { and, count, eq, isNull, lt, lte, ne, or, sql } from 'drizzle-orm';
import { type Executor, db, lockUser, writeTransaction } from '@/db';
import { recoveryCodes, sessions, users, webauthnCredentials } from '@/db/schema';
import { config } from '@/lib/config';
import { codeDigest, decryptForUser } from './crypto';
import { normalizeRecoveryCode } from './recovery-codes';
import { clearAttempts, countAttempt, type ThrottleRule } from './throttle';
import { clockDrift, currentStep, matchingStep, normalizeTotpCode } from './totp';
import { tokenDigest } from './tokens';
import { beginAssertion, type BegunAssertion, verifyAuthentication } from './webauthn-authentication';
import type { WebAuthnBinding } from './webauthn-challenges';

/** One throttle for every second-factor prompt of a user: sign-in, recovery codes, step-up. */
export function secondFactorRule(userId: number): ThrottleRule {
  const { userFailures, windowMs, lockMs } = config().secondFactor;
  return { key: `2fa:user:${userId}`, limit: userFailures, windowMs, lockMs };
}

/**
 * `suspended`: the user is at the hard cap, nothing was checked; `tripped`: this failure reached
 * the cap (exactly one attempt trips it, so it is audited once). `lockBegan`: this attempt began the
 * throttle's lock (one attempt a lock; the ones refused while it lasts carry only `lockedUntil`).
 */
export type FactorKind = 'totp' | 'recovery' | 'webauthn';
export type FactorResult =
  | { ok: true; kind: FactorKind; codesLeft: number; credentialId?: string }
  | { ok: false; lockedUntil?: number; lockBegan?: true; withdrawn?: true; suspended?: true; tripped?: true; drift?: number };
export type AcceptedFactor = Extract<FactorResult, { ok: true }>;

/**
 * The hard cap on consecutive second-factor failures (NIST SP 800-63B-4 §3.2.2): at the cap the
 * second step stays suspended until an admin or operator resets the user's 2FA.
 */
export function isSecondFactorSuspended(failures: number): boolean {
  return failures >= config().secondFactor.maxFailures;
}

type Counted = { failures: number } | { lockedUntil: number; began: boolean } | { suspended: true };

/**
 * Counts one attempt before it is checked: against the hard cap and the sliding-window throttle,
 * in one immediate transaction (the throttle's own becomes a savepoint of it), so parallel
 * attempts from any process are counted one after another. A refused attempt counts for neither.
 */
async function countFactorAttempt(userId: number, rule: ThrottleRule, now: number): Promise<Counted> {
  return writeTransaction(async (tx): Promise<Counted> => {
    // Read, compared, then written: the row lock keeps a parallel attempt from reading the same count.
    await lockUser(tx, userId);
    const [row] = await tx.select({ n: users.secondFactorFailures }).from(users).where(eq(users.id, userId));
    const failures = row?.n ?? 0;
    if (isSecondFactorSuspended(failures)) return { suspended: true };
    let began = false;
    const attempt = await countAttempt([rule], now, async () => {
      began = true;
    });
    if ('lockedUntil' in attempt) return { lockedUntil: attempt.lockedUntil, began };
    await tx.update(users).set({ secondFactorFailures: failures + 1 }).where(eq(users.id, userId));
    return { failures: failures + 1 };
  });
}

/** Thrown inside the transaction when the caller's follow-up refuses: rolls the accepted factor back. */
class Withdrawn extends Error {}

/**
 * Accepts a TOTP code only for a time step later than the user's last accepted one, by one
 * conditional UPDATE: the same code can never be used twice, even by parallel requests.
 */
export async function acceptTotp(tx: Executor, userId: number, secret: string, input: string, now = Date.now(), newSecret = false): Promise<boolean> {
  const code = normalizeTotpCode(input);
  const step = code ? matchingStep(secret, code, now) : null;
  if (step === null) return false;
  // A new secret's first code may share the time step of the old secret's last one: it is another
  // code, and recording its step still blocks its own replay. A step a failed code was told it
  // matches ("your phone is 5 minutes fast") is never accepted: the hint gives a guesser nothing.
  const fresh = newSecret ? lte(users.totpLastStep, step) : and(lt(users.totpLastStep, step), or(isNull(users.totpHintedStep), ne(users.totpHintedStep, step)));
  const accepted = await tx
    .update(users)
    .set({ totpLastStep: step, totpLastUsedAt: now })
    .where(and(eq(users.id, userId), fresh))
    .returning({ id: users.id });
  return accepted.length === 1;
}

/** Marks one unused recovery code of this user as used (one conditional UPDATE); false when there is none. */
export async function consumeRecoveryCode(tx: Executor, userId: number, input: string, now = Date.now()): Promise<boolean> {
  const code = normalizeRecoveryCode(input);
  if (!code) return false;
  const used = await tx
    .update(recoveryCodes)
    .set({ usedAt: now })
    .where(and(eq(recoveryCodes.codeHash, codeDigest(code)), eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)))
    .returning({ id: recoveryCodes.id });
  if (used.length !== 1) return false;
  await tx.update(users).set({ recoveryCodesLeft: sql`${users.recoveryCodesLeft} - 1`, totpLastUsedAt: now }).where(eq(users.id, userId));
  return true;
}

/** What a second-factor prompt received: an app code, a recovery code, or a security key's assertion for a challenge bound to `binding`. */
export type FactorInput = { code?: string; recoveryCode?: string; assertion?: { binding: WebAuthnBinding; response: unknown; ip?: string | null } };

/** Checks the one factor the input carries, inside the check's transaction; the kind accepted, or null. */
async function acceptFactor(
  tx: Executor,
  userId: number,
  user: { secret: string | null; lastStep: number | null },
  input: FactorInput,
  now: number,
  begun: Promise<BegunAssertion> | undefined,
): Promise<{ kind: FactorKind; credentialId?: string } | { drift: number } | null> {
  if (input.recoveryCode !== undefined) return (await consumeRecoveryCode(tx, userId, input.recoveryCode, now)) ? { kind: 'recovery' } : null;
  if (input.code !== undefined) {
    if (!user.secret) return null;
    const secret = decryptForUser(user.secret, userId);
    if (await acceptTotp(tx, userId, secret, input.code, now)) return { kind: 'totp' };
    // Still a failure (counted above): only the message changes when the phone's clock is off.
    const drift = clockDrift(secret, input.code, user.lastStep, now);
    if (drift === null) return null;
    // A code of a later step, named by the hint, would work once its time came: it never will.
    if (drift > 0) await tx.update(users).set({ totpHintedStep: currentStep(now) + drift }).where(eq(users.id, userId));
    return { drift };
  }
  if (input.assertion === undefined) return null;
  // The key's challenge is used up, and its counter moved, in this transaction: with the rest, or not at all.
  // Its key is the user's, whose row verifySecondFactor locked first.
  const { binding, response, ip } = input.assertion;
  const verified = await verifyAuthentication(binding, response, { userId, requireUserVerification: false, ip, tx, begun });
  return verified.ok ? { kind: 'webauthn', credentialId: verified.credentialId } : null;
}

/**
 * Checks a second factor of a user with 2FA (an app, keys, or both; recovery codes cover both): counted by the shared throttle and the hard cap
 * before the check, accepted atomically, both failure counts reset on success. `andThen` runs in the same transaction
 * once the factor is accepted (mark the challenge ready, audit, ...), so a used code and what it
 * was used for are written together or not at all, even if the process dies; when it returns
 * false, nothing is written and the result is `withdrawn`.
 */
export async function verifySecondFactor(
  userId: number,
  input: FactorInput,
  now = Date.now(),
  andThen?: (tx: Executor, accepted: AcceptedFactor) => Promise<boolean>,
): Promise<FactorResult> {
  const rule = secondFactorRule(userId);
  // A key's signature check begins now, so that its crypto overlaps the counting below; what it
  // finds counts only after the attempt is counted, in the check's transaction (beginAssertion).
  const begun = input.assertion && beginAssertion(input.assertion.response, userId);
  // Refused before the check (suspended, locked): nobody awaits it, so its failure must not go unhandled.
  begun?.catch(() => undefined);
  const attempt = await countFactorAttempt(userId, rule, now);
  if ('suspended' in attempt) return { ok: false, suspended: true };
  if ('lockedUntil' in attempt) return { ok: false, lockedUntil: attempt.lockedUntil, ...(attempt.began && { lockBegan: true as const }) };
  const failed: FactorResult = isSecondFactorSuspended(attempt.failures) ? { ok: false, suspended: true, tripped: true } : { ok: false };
  try {
    return await writeTransaction(
      async (tx): Promise<FactorResult> => {
        await lockUser(tx, userId);
        const [user] = await tx.select({ secret: users.totpSecret, lastStep: users.totpLastStep, left: users.recoveryCodesLeft }).from(users).where(eq(users.id, userId));
        const factor = user ? await acceptFactor(tx, userId, user, input, now, begun) : null;
        if (!user || !factor) return failed;
        if ('drift' in factor) return failed.suspended ? failed : { ...failed, drift: factor.drift };
        await clearAttempts(tx, [rule.key]);
        await tx.update(users).set({ secondFactorFailures: 0 }).where(eq(users.id, userId));
        const accepted: AcceptedFactor = { ok: true, ...factor, codesLeft: factor.kind === 'recovery' ? user.left - 1 : user.left };
        if (andThen && !(await andThen(tx, accepted))) throw new Withdrawn();
        return accepted;
      }
    );
  } catch (error) {
    if (error instanceof Withdrawn) return { ok: false, withdrawn: true };
    throw error;
  }
}

/** Step-up asks for a code unless this session verified a second factor recently. */
export function secondFactorIsFresh(secondFactorAt: number | null, now = Date.now()): boolean {
  return secondFactorAt !== null && now - secondFactorAt < config().stepUpMs;
}

export async function markSessionSecondFactor(tx: Executor, sessionId: string, now = Date.now()): Promise<void> {
  await tx.update(sessions).set({ secondFactorAt: now }).where(eq(sessions.id, tokenDigest(sessionId)));
}

/** Which second factors a user has: an authenticator app, and how many security keys or passkeys. */
export async function secondFactorsOf(userId: number): Promise<{ app: boolean; keys: number }> {
  const reader = await db();
  const [user] = await reader.select({ enabledAt: users.totpEnabledAt }).from(users).where(eq(users.id, userId));
  const [keys] = await reader.select({ n: count() }).from(webauthnCredentials).where(eq(webauthnCredentials.userId, userId));
  return { app: user?.enabledAt != null, keys: Number(keys?.n ?? 0) };
}
