import { randomInt } from 'node:crypto';

// Crockford's base32: no I, L, O or U, so codes read aloud and typed from paper survive.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const RECOVERY_CODE_COUNT = 10;

/** One code: 16 symbols of 5 bits = 80 bits from the CSPRNG, as XXXX-XXXX-XXXX-XXXX. */
export function newRecoveryCode(): string {
  let raw = '';
  for (let i = 0; i < 16; i++) raw += ALPHABET[randomInt(ALPHABET.length)];
  return raw.match(/.{4}/g)!.join('-');
}

export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
}

/** What is hashed: upper case, no separators, the look-alikes mapped as Crockford does. Null when it cannot be a code. */
export function normalizeRecoveryCode(input: string): string | null {
  const typed = input.replace(/[\s-]/g, '');
  // ASCII only, checked before upper-casing: toUpperCase() turns ı into I, ſ into S and ß into SS.
  if (!/^[0-9A-Za-z]{16}$/.test(typed)) return null;
  const code = typed.toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
  return /^[0-9A-HJKMNP-TV-Z]{16}$/.test(code) ? code : null;
}
