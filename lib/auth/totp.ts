import * as OTPAuth from 'otpauth';

export const PERIOD_SECONDS = 30;

/** A new 160-bit TOTP secret (RFC 4226's recommended length), base32. */
export function newTotpSecret(): string {
  return new OTPAuth.Secret({ size: 20 }).base32;
}

function totp(secret: string, issuer: string, account: string) {
  return new OTPAuth.TOTP({ issuer, label: account, algorithm: 'SHA1', digits: 6, period: PERIOD_SECONDS, secret: OTPAuth.Secret.fromBase32(secret) });
}

/** The otpauth://totp/ URI an authenticator app scans: label `Issuer:account`, SHA1, 6 digits, 30 s. */
export function otpauthUri(secret: string, issuer: string, account: string): string {
  return totp(secret, issuer, account).toString();
}

/** The key as people type it: groups of four. */
export function groupedKey(secret: string): string {
  return secret.match(/.{1,4}/g)!.join(' ');
}

/**
 * The key as a screen reader should say it: group by group, each character on its own
 * ("U I S F, X 7 M 5, …"), since a run of letters and digits read as one word means nothing.
 */
export function spokenKey(secret: string): string {
  return secret
    .match(/.{1,4}/g)!
    .map((group) => group.split('').join(' '))
    .join(', ');
}

/** A typed code as six ASCII digits, or null: otpauth must never see anything else. */
export function normalizeTotpCode(input: string): string | null {
  const code = input.replace(/[\s-]/g, '');
  return /^[0-9]{6}$/.test(code) ? code : null;
}

export function currentStep(now = Date.now()): number {
  return Math.floor(now / 1000 / PERIOD_SECONDS);
}

/** The time step (within ±1 of now) whose code this is, or null. */
export function matchingStep(secret: string, code: string, now = Date.now()): number | null {
  const delta = OTPAuth.TOTP.validate({ token: code, secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: PERIOD_SECONDS, timestamp: now, window: 1 });
  return delta === null ? null : currentStep(now) + delta;
}

/** How far a code is looked for around now when it fails: ±10 minutes, for the clock-drift hint. */
export const DRIFT_STEPS = 20;

/**
 * For a code that failed: how many 30-second steps away from now it would have been right, when
 * that is 2 to DRIFT_STEPS steps (a phone's clock about a minute to ten minutes off), and the step
 * is later than `lastStep`, the last one this secret accepted (an old code typed again is a replay,
 * not a clock). Null otherwise. Only the hint's: it never accepts anything.
 */
export function clockDrift(secret: string, input: string, lastStep: number | null, now = Date.now()): number | null {
  const code = normalizeTotpCode(input);
  if (!code) return null;
  const delta = OTPAuth.TOTP.validate({ token: code, secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: PERIOD_SECONDS, timestamp: now, window: DRIFT_STEPS });
  if (delta === null || Math.abs(delta) <= 1) return null;
  if (lastStep !== null && currentStep(now) + delta <= lastStep) return null;
  return delta;
}
