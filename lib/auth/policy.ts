import type { TwoFactorPolicy } from '@/db/schema';

/** What a user's second factors are: an authenticator app, security keys and passkeys, or both. */
export interface SecondFactors {
  totpEnabledAt: number | null;
  webauthnKeyCount: number;
}

export interface TwoFactorSubject extends SecondFactors {
  signInMethod: 'password' | 'sso';
  twoFactorRequired: boolean;
}

/** A user has 2FA with an authenticator app or at least one key (recovery codes cover both). */
export function hasSecondFactor(user: SecondFactors): boolean {
  return user.totpEnabledAt !== null || user.webauthnKeyCount > 0;
}

/** Whether Deskgate requires 2FA of this user: SSO users never; the per-user flag has no effect under `off`. */
export function isTwoFactorRequired(user: Pick<TwoFactorSubject, 'signInMethod' | 'twoFactorRequired'>, policy: TwoFactorPolicy): boolean {
  if (user.signInMethod !== 'password') return false;
  return policy === 'required' || (policy === 'optional' && user.twoFactorRequired);
}

/** What a password sign-in must do after the password: ask for a second factor, force setup, or nothing. */
export function secondStep(user: TwoFactorSubject, policy: TwoFactorPolicy): 'verify' | 'setup' | 'ready' {
  if (hasSecondFactor(user)) return 'verify';
  return isTwoFactorRequired(user, policy) ? 'setup' : 'ready';
}

/** "App · 2 keys", "App", "1 key", or null without a second factor: the admin table and the CLI. */
export function describeSecondFactors(user: SecondFactors): string | null {
  const parts = [user.totpEnabledAt !== null ? 'App' : null, user.webauthnKeyCount > 0 ? `${user.webauthnKeyCount} key${user.webauthnKeyCount === 1 ? '' : 's'}` : null].filter((p) => p !== null);
  return parts.length ? parts.join(' · ') : null;
}
