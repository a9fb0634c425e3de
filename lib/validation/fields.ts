import { z } from 'zod';

// Messages are keys of lib/i18n/messages (Validation.*), translated where they are shown (lib/i18n/translate.ts).

const encoder = new TextEncoder();
export const MAX_PASSWORD_BYTES = 72;
export const MIN_PASSWORD_LENGTH = 8;

export const emailField = z
  .string({ error: 'Validation.emailRequired' })
  .trim()
  .toLowerCase()
  .min(1, 'Validation.emailRequired')
  .max(254, 'Validation.emailTooLong')
  .pipe(z.email('Validation.emailInvalid'));

// bcrypt reads only 72 bytes: refuse longer passwords instead of silently truncating them.
const passwordBytes = (s: string) => encoder.encode(s).length <= MAX_PASSWORD_BYTES;
const tooLong = 'Validation.passwordTooLong';

/** A password being checked: any length that bcrypt can read in full. */
export const currentPasswordField = z
  .string({ error: 'Validation.passwordRequired' })
  .min(1, 'Validation.passwordRequired')
  .refine(passwordBytes, tooLong);

/** A password being set. */
export const newPasswordField = z
  .string({ error: 'Validation.newPasswordRequired' })
  .min(MIN_PASSWORD_LENGTH, 'Validation.passwordTooShort')
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
  .string({ error: 'Validation.totpCode' })
  .max(32, 'Validation.totpCode')
  .transform((s) => s.replace(/\s/g, ''))
  .pipe(z.string().regex(/^[0-9]{6}$/, 'Validation.totpCode'));

/** A recovery code as printed (XXXX-XXXX-XXXX-XXXX); case, spaces and dashes are forgiven. */
export const recoveryCodeField = z
  .string({ error: 'Validation.recoveryCodeRequired' })
  .max(64, 'Validation.recoveryCodeRequired')
  .refine((s) => /^[0-9A-Za-z]{16}$/.test(s.replace(/[\s-]/g, '')), 'Validation.recoveryCodeShape');

/** An optional form field: an empty input counts as absent. */
export function optional<S extends z.ZodType>(schema: S) {
  return z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
}

/**
 * Control characters (a line break, a tab, an escape sequence) and bidirectional overrides: refused in
 * names (a person's, an organization's, a key's), and shown as codes when a stored value reaches the
 * operator's terminal (lib/cli/printable.ts). They would let a name pass for another, forge a line of
 * the CLI's lists, or drive the terminal.
 */
export const CONTROL_OR_OVERRIDE = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;
export const hasControlOrOverride = (text: string) => CONTROL_OR_OVERRIDE.test(text);
