import { message } from '@/lib/i18n/keys';
import type { RegistrationFailure } from './webauthn-registration';

// The messages of the sign-in's second step and of 2FA changes are message keys (lib/i18n/messages,
// namespaces Auth, StepUp, TwoFactor and SecurityKeys), translated where they are shown; the CLI and
// logs read them with english().

/** What people read when a second factor fails: what happened, and what to do next. */
export const WRONG_CODE = 'Auth.wrongCode';
/**
 * A code that was right some minutes from now (lib/auth/totp.ts clockDrift): the phone's clock is
 * off. Steps ahead of now mean the phone runs fast; behind, slow.
 */
export function clockDriftMessage(steps: number): string {
  const minutes = Math.max(1, Math.round((Math.abs(steps) * 30) / 60));
  return message(steps > 0 ? 'Auth.clockFast' : 'Auth.clockSlow', { minutes });
}
/** The message for a wrong app code, with the clock hint when the code was right at another time. */
export const wrongCodeMessage = (drift?: number | null) => (drift ? clockDriftMessage(drift) : WRONG_CODE);
export const WRONG_RECOVERY_CODE = 'Auth.wrongRecoveryCode';
export const WRONG_PASSWORD = 'StepUp.wrongPassword';
/** The password throttle's lock, where a signed-in user re-enters the password (step-up, password change). */
export const PASSWORD_LOCKED = 'StepUp.passwordLocked';

export function lockedMessage(minutes: number): string {
  return message('Auth.locked', { minutes });
}
export const SETUP_SUPERSEDED = 'Auth.setupSuperseded';

/** The hard cap on consecutive second-factor failures was reached: only an admin reset lifts it. */
export const SECOND_FACTOR_SUSPENDED = 'Auth.secondFactorSuspended';

// Security keys as a second factor a person manages (helper "factors"): step-up, the 2FA tab, forced setup.
export const KEY_NOT_ACCEPTED = 'StepUp.keyNotAccepted';
export const KEY_OR_RECOVERY_CODE = 'StepUp.keyOrRecoveryCode';
/** Where a key would be offered but JavaScript does not run: the sentence, and what to do instead (Client.SecurityKey). */
export const keysNeedJavaScript = (instead: 'manage' | 'sign-in') => (instead === 'manage' ? 'Client.SecurityKey.needsJavaScriptManage' : 'Client.SecurityKey.needsJavaScriptSignIn');
export const NOT_ALLOWED_HERE = 'TwoFactor.notAllowed';
/** Why a key was not added, for a person. */
export const KEY_REFUSED: Record<RegistrationFailure, string> = {
  invalid_input: 'SecurityKeys.refused.invalid_input',
  invalid_name: 'SecurityKeys.refused.invalid_name',
  expired: 'SecurityKeys.refused.expired',
  not_verified: 'SecurityKeys.refused.not_verified',
  duplicate: 'SecurityKeys.refused.duplicate',
  stale: 'SecurityKeys.refused.stale',
  not_allowed: 'SecurityKeys.refused.not_allowed',
};

// --- Signing in with a security key or a passkey (#15, helper "signin") ---
export const SIGN_IN_KEY_REFUSED = 'Auth.signInKeyRefused';
export const NO_KEYS = 'Auth.noKeys';
/** One sentence for every refused passkey sign-in: it tells nobody why (unknown key, SSO account, locked, turned off). */
export const PASSKEY_REFUSED = 'Auth.passkeyRefused';
