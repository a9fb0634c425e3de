import type { RegistrationFailure } from './webauthn-registration';

/** What people read when a second factor fails: what happened, and what to do next. */
export const WRONG_CODE = "That code didn't work. Check that your phone's clock is set automatically, then enter the newest code.";
/**
 * A code that was right some minutes from now (lib/auth/totp.ts clockDrift): the phone's clock is
 * off. Steps ahead of now mean the phone runs fast; behind, slow.
 */
export function clockDriftMessage(steps: number): string {
  const minutes = Math.max(1, Math.round((Math.abs(steps) * 30) / 60));
  return `That code didn't work: your phone's clock looks about ${minutes} minute${minutes === 1 ? '' : 's'} ${steps > 0 ? 'fast' : 'slow'}. Turn on automatic date and time in your phone's settings, then enter the newest code.`;
}
/** The message for a wrong app code, with the clock hint when the code was right at another time. */
export const wrongCodeMessage = (drift?: number | null) => (drift ? clockDriftMessage(drift) : WRONG_CODE);
export const WRONG_RECOVERY_CODE = "That recovery code didn't work. Each code works only once; try another one.";
export const WRONG_PASSWORD = "That password isn't right.";

export function lockedMessage(minutes: number): string {
  return `Too many failed attempts. For your security, this is locked for ${minutes} minute${minutes === 1 ? '' : 's'}. Try again later or ask your administrator to reset your 2FA.`;
}
export const SETUP_SUPERSEDED = 'Two-factor setup was started again from another sign-in, so it cannot be finished here. Cancel, then sign in again to set it up on this device.';

/** The hard cap on consecutive second-factor failures was reached: only an admin reset lifts it. */
export const SECOND_FACTOR_SUSPENDED = 'Your second step is locked after too many failed attempts. Ask your administrator to reset your two-factor authentication.';

// Security keys as a second factor a person manages (helper "factors"): step-up, the 2FA tab, forced setup.
export const KEY_NOT_ACCEPTED = "Your security key's answer wasn't accepted. Try the key again, or use a recovery code.";
export const KEY_OR_RECOVERY_CODE = 'Confirm with your security key, or enter a recovery code.';
/** Where a key would be offered but JavaScript does not run: the sentence, and what to do instead. */
export const keysNeedJavaScript = (instead: 'manage' | 'sign-in') =>
  `Security keys and passkeys need JavaScript. ${instead === 'manage' ? 'Turn it on in your browser to use them here.' : 'Turn it on to use one, or use another way to sign in.'}`;
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
export const SIGN_IN_KEY_REFUSED = "Your security key's answer was not accepted. Try again with a key you added to this account.";
export const NO_KEYS = 'There is no security key on this account any more. Use another way to sign in.';
/** One sentence for every refused passkey sign-in: it tells nobody why (unknown key, SSO account, locked, turned off). */
export const PASSKEY_REFUSED = "That passkey can't sign you in here. Sign in with your email and password instead.";
