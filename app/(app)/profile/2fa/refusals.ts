import type { Refusal } from '@/lib/auth/two-factor-changes';
import { NOT_ALLOWED_HERE } from '@/lib/auth/messages';
import type { CurrentSession } from '@/lib/auth/session';

export const NOT_ALLOWED = NOT_ALLOWED_HERE;

/** Whether this user may set up or change 2FA here (password users, policy optional or required). */
export function mayManage(current: CurrentSession): boolean {
  return current.user.signInMethod === 'password' && current.org.twoFactorPolicy !== 'off';
}

export const REQUIRED = 'TwoFactor.required';
export const LAST_FACTOR_REQUIRED = 'TwoFactor.lastFactorRequired';

// What a change re-checked inside its transaction found had changed since the page was loaded.
export const REFUSED: Record<Refusal, string> = {
  signed_out: 'Action.signedOut',
  off: 'TwoFactor.alreadyOff',
  required: REQUIRED,
  not_allowed: NOT_ALLOWED,
  not_found: 'TwoFactor.keyGone',
};
