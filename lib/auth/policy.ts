import type { TwoFactorPolicy } from '@/db/schema';

export interface TwoFactorSubject {
  signInMethod: 'password' | 'sso';
  twoFactorRequired: boolean;
  totpEnabledAt: number | null;
}

/** Whether Deskgate requires 2FA of this user: SSO users never; the per-user flag has no effect under `off`. */
export function isTwoFactorRequired(user: TwoFactorSubject, policy: TwoFactorPolicy): boolean {
  if (user.signInMethod !== 'password') return false;
  return policy === 'required' || (policy === 'optional' && user.twoFactorRequired);
}

/** What a password sign-in must do after the password: ask for a code, force setup, or nothing. */
export function secondStep(user: TwoFactorSubject, policy: TwoFactorPolicy): 'verify' | 'setup' | 'ready' {
  if (user.totpEnabledAt !== null) return 'verify';
  return isTwoFactorRequired(user, policy) ? 'setup' : 'ready';
}
