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
