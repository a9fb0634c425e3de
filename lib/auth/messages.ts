/** What people read when a second factor fails: what happened, and what to do next. */
export const WRONG_CODE = "That code didn't work. Check that your phone's clock is set automatically, then enter the newest code.";
export const WRONG_RECOVERY_CODE = "That recovery code didn't work. Each code works only once; try another one.";
export const WRONG_PASSWORD = "That password isn't right.";

export function lockedMessage(minutes: number): string {
  return `Too many failed attempts. For your security, this is locked for ${minutes} minute${minutes === 1 ? '' : 's'}. Try again later or ask your administrator to reset your 2FA.`;
}
export const SETUP_SUPERSEDED = 'Two-factor setup was started again from another sign-in, so it cannot be finished here. Cancel, then sign in again to set it up on this device.';

/** The hard cap on consecutive second-factor failures was reached: only an admin reset lifts it. */
export const SECOND_FACTOR_SUSPENDED = 'Your second step is locked after too many failed attempts. Ask your administrator to reset your two-factor authentication.';
