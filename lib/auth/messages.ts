import { message } from '@/lib/i18n/keys';
import type { RegistrationFailure } from './webauthn-registration';

// The messages of the sign-in's second step and of 2FA changes are message keys (lib/i18n/messages,
// namespace Auth), translated where they are shown; the ones below still in English are translated
// by later parts of #18 (the 2FA tab, the admin pages).

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
export const WRONG_PASSWORD = "That password isn't right.";

export function lockedMessage(minutes: number): string {
  return message('Auth.locked', { minutes });
}
export const SETUP_SUPERSEDED = 'Auth.setupSuperseded';

/** The hard cap on consecutive second-factor failures was reached: only an admin reset lifts it. */
export const SECOND_FACTOR_SUSPENDED = 'Auth.secondFactorSuspended';

// Security keys as a second factor a person manages (helper "factors"): step-up, the 2FA tab, forced setup.
export const KEY_NOT_ACCEPTED = "Your security key's answer wasn't accepted. Try the key again, or use a recovery code.";
export const KEY_OR_RECOVERY_CODE = 'Confirm with your security key, or enter a recovery code.';
/** Where a key would be offered but JavaScript does not run: the sentence, and what to do instead (Client.SecurityKey). */
export const keysNeedJavaScript = (instead: 'manage' | 'sign-in') => (instead === 'manage' ? 'Client.SecurityKey.needsJavaScriptManage' : 'Client.SecurityKey.needsJavaScriptSignIn');
export const NOT_ALLOWED_HERE = 'Your organization has not enabled two-factor authentication, so it cannot be set up or changed here.';
/** Why a key was not added, for a person. */
export const KEY_REFUSED: Record<RegistrationFailure, string> = {
  invalid_input: "Your browser's answer could not be read. Try adding the key again.",
  invalid_name: 'Give the key a name of at most 64 characters.',
  expired: 'This request has expired or was already used. Try adding the key again.',
  not_verified: "The key's answer could not be verified. Try again, or use another key.",
  duplicate: 'This key is already registered. Each key can be added once.',
  stale: 'Your keys were changed in another window. Try adding the key again.',
  not_allowed: 'Your session has ended or this change is no longer allowed, so nothing was added.',
};

// --- Signing in with a security key or a passkey (#15, helper "signin") ---
export const SIGN_IN_KEY_REFUSED = 'Auth.signInKeyRefused';
export const NO_KEYS = 'Auth.noKeys';
/** One sentence for every refused passkey sign-in: it tells nobody why (unknown key, SSO account, locked, turned off). */
export const PASSKEY_REFUSED = 'Auth.passkeyRefused';
