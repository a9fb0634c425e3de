import { z } from 'zod';

const encoder = new TextEncoder();
export const MAX_PASSWORD_BYTES = 72;
export const MIN_PASSWORD_LENGTH = 8;

export const emailField = z
  .string({ error: 'Enter your email address.' })
  .trim()
  .toLowerCase()
  .min(1, 'Enter your email address.')
  .max(254, 'That email address is too long.')
  .pipe(z.email('Enter a valid email address.'));

// bcrypt reads only 72 bytes: refuse longer passwords instead of silently truncating them.
const passwordBytes = (s: string) => encoder.encode(s).length <= MAX_PASSWORD_BYTES;
const tooLong = `Passwords can be at most ${MAX_PASSWORD_BYTES} bytes long (fewer characters when they are not plain letters and digits).`;

/** A password being checked: any length that bcrypt can read in full. */
export const currentPasswordField = z
  .string({ error: 'Enter your password.' })
  .min(1, 'Enter your password.')
  .refine(passwordBytes, tooLong);

/** A password being set. */
export const newPasswordField = z
  .string({ error: 'Enter a new password.' })
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
  .refine(passwordBytes, tooLong);

/** Same-origin relative paths only: `/x` but never `//host` or `/\host`. */
export function safeCallbackUrl(value: unknown): string {
  if (typeof value !== 'string' || value.length > 512) return '/';
  if (!/^\/(?![/\\])[\x21-\x7e]*$/.test(value)) return '/';
  if (value.startsWith('/login') || value.startsWith('/api/')) return '/';
  return value;
}

/** A 6-digit TOTP code; spaces are forgiven, anything but ASCII digits is refused before otpauth sees it. */
export const totpCodeField = z
  .string({ error: 'Enter the 6-digit code from your authenticator app.' })
  .max(32, 'Enter the 6-digit code from your authenticator app.')
  .transform((s) => s.replace(/\s/g, ''))
  .pipe(z.string().regex(/^[0-9]{6}$/, 'Enter the 6-digit code from your authenticator app.'));

/** A recovery code as printed (XXXX-XXXX-XXXX-XXXX); case, spaces and dashes are forgiven. */
export const recoveryCodeField = z
  .string({ error: 'Enter one of your recovery codes.' })
  .max(64, 'Enter one of your recovery codes.')
  .refine((s) => /^[0-9A-Za-z]{16}$/.test(s.replace(/[\s-]/g, '')), 'Recovery codes look like XXXX-XXXX-XXXX-XXXX.');

/** An optional form field: an empty input counts as absent. */
export function optional<S extends z.ZodType>(schema: S) {
  return z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
}
