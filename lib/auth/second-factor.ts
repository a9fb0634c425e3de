import 'server-only';
import { and, count, eq, isNull, lt, lte, ne, or, sql } from 'drizzle-orm';
import { type Executor, db, lockUser, writeTransaction } from '@/db';
import { recoveryCodes, sessions, users, webauthnCredentials } from '@/db/schema';
import { config } from '@/lib/config';
import { codeDigest, decryptForUser } from './crypto';
import { normalizeRecoveryCode } from './recovery-codes';
import { clearAttempts, countAttempt, lockedUntil, type ThrottleRule } from './throttle';
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
export type FactorInput = {
  code?: string;
  recoveryCode?: string;
  /** `begun`: `beginAssertion(response, userId)` started by the caller, so that the signature check overlaps the caller's own work too. */
  assertion?: { binding: WebAuthnBinding; response: unknown; ip?: string | null; begun?: Promise<BegunAssertion> };
};

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
  if (input.assertion) return verifyAssertionFactor(userId, rule, input.assertion, now, andThen);
  const attempt = await countFactorAttempt(userId, rule, now);
  if ('suspended' in attempt) return { ok: false, suspended: true };
  if ('lockedUntil' in attempt) return { ok: false, lockedUntil: attempt.lockedUntil, ...(attempt.began && { lockBegan: true as const }) };
  const failed: FactorResult = isSecondFactorSuspended(attempt.failures) ? { ok: false, suspended: true, tripped: true } : { ok: false };
  return acceptOnce(async (tx) => {
    await lockUser(tx, userId);
    const [user] = await tx.select({ secret: users.totpSecret, lastStep: users.totpLastStep, left: users.recoveryCodesLeft }).from(users).where(eq(users.id, userId));
    const factor = user ? await acceptFactor(tx, userId, user, input, now, undefined) : null;
    if (!user || !factor) return failed;
    if ('drift' in factor) return failed.suspended ? failed : { ...failed, drift: factor.drift };
    await clearAttempts(tx, [rule.key]);
    await tx.update(users).set({ secondFactorFailures: 0 }).where(eq(users.id, userId));
    return accepted(tx, { ok: true, ...factor, codesLeft: factor.kind === 'recovery' ? user.left - 1 : user.left }, andThen);
  });
}

/** The accepted factor handed to `andThen` in its transaction; a refusal there rolls it all back (Withdrawn). */
async function accepted(tx: Executor, factor: AcceptedFactor, andThen?: (tx: Executor, accepted: AcceptedFactor) => Promise<boolean>): Promise<AcceptedFactor> {
  if (andThen && !(await andThen(tx, factor))) throw new Withdrawn();
  return factor;
}

async function acceptOnce(check: (tx: Executor) => Promise<FactorResult>): Promise<FactorResult> {
  try {
    return await writeTransaction(check);
  } catch (error) {
    if (error instanceof Withdrawn) return { ok: false, withdrawn: true };
    throw error;
  }
}

/**
 * A security key's assertion: the same cap and throttle as a code, in one transaction under the
 * user's row lock. With failures on record it is counted before its check, as a code is (it may be
 * the attempt that goes over the limit, refused unchecked). With none, no window holds a hit of the
 * user's (the failures and the throttle's hits are written and cleared together: every writer of
 * either is in this file, passkey-sign-in.ts and two-factor-changes.ts), so this attempt cannot be
 * over the limit: only a lock is read before the check, and a failed check is counted after it,
 * as a code's failure is. An assertion is a signature over this challenge, which no number of
 * parallel tries guesses; parallel attempts still count one after another (the row lock). A key's
 * sign-in by a user with a clean record so skips the throttle's counting (11 statements).
 * A withdrawn attempt (a valid assertion whose follow-up refused) leaves no count: it was no failure.
 */
async function verifyAssertionFactor(
  userId: number,
  rule: ThrottleRule,
  assertion: NonNullable<FactorInput['assertion']>,
  now: number,
  andThen?: (tx: Executor, accepted: AcceptedFactor) => Promise<boolean>,
): Promise<FactorResult> {
  // The signature check begins now, so that its crypto overlaps the reads below; what it finds
  // counts only once the challenge is used up, in the check's transaction (beginAssertion).
  const begun = assertion.begun ?? beginAssertion(assertion.response, userId);
  // Refused before the check (suspended, locked): nobody awaits it, so its failure must not go unhandled.
  begun.catch(() => undefined);
  return acceptOnce(async (tx) => {
    await lockUser(tx, userId);
    const [user] = await tx.select({ failures: users.secondFactorFailures, left: users.recoveryCodesLeft }).from(users).where(eq(users.id, userId));
    if (!user) return { ok: false };
    const onRecord = user.failures > 0;
    let failed: FactorResult | null = null;
    if (onRecord) {
      const attempt = await countFactorAttempt(userId, rule, now);
      if ('suspended' in attempt) return { ok: false, suspended: true };
      if ('lockedUntil' in attempt) return { ok: false, lockedUntil: attempt.lockedUntil, ...(attempt.began && { lockBegan: true as const }) };
      failed = isSecondFactorSuspended(attempt.failures) ? { ok: false, suspended: true, tripped: true } : { ok: false };
    } else {
      // A lock may outlive the failures that made it (a passkey sign-in clears them, not the lock).
      const until = await lockedUntil(tx, rule.key, now);
      if (until) return { ok: false, lockedUntil: until };
    }
    const factor = await acceptFactor(tx, userId, { secret: null, lastStep: null }, { assertion }, now, begun);
    if (!factor || 'drift' in factor) return failed ?? countFailure(tx, userId, rule, now);
    // The hits too, even with no failures on record: should the two ever part, a success still
    // leaves nothing behind.
    await clearAttempts(tx, [rule.key]);
    if (onRecord) await tx.update(users).set({ secondFactorFailures: 0 }).where(eq(users.id, userId));
    return accepted(tx, { ok: true, ...factor, codesLeft: user.left }, andThen);
  });
}

/** A checked failure of a user with none on record, counted as a code's is: a hit of the throttle's window (which may lock), and one more toward the cap (`tripped` when it reaches it). */
async function countFailure(tx: Executor, userId: number, rule: ThrottleRule, now: number): Promise<FactorResult> {
  let began = false;
  const attempt = await countAttempt([rule], now, async () => {
    began = true;
  });
  const [row] = await tx
    .update(users)
    .set({ secondFactorFailures: sql`${users.secondFactorFailures} + 1` })
    .where(eq(users.id, userId))
    .returning({ failures: users.secondFactorFailures });
  if (isSecondFactorSuspended(row?.failures ?? 0)) return { ok: false, suspended: true, tripped: true };
  if ('lockedUntil' in attempt) return { ok: false, lockedUntil: attempt.lockedUntil, ...(began ? { lockBegan: true as const } : {}) };
  return { ok: false };
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
