import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normalizeRecoveryCode } from '@/lib/auth/recovery-codes';
import { normalizeTotpCode } from '@/lib/auth/totp';
import { anyString, asciiDigit, codeLikeString, fileValue, hostileName, hugeString, isReadableMessage, nonAsciiDigit, numRuns, TRICKY_LETTERS, whitespace } from '@/lib/testing/arbitraries';
import { currentPasswordField, emailField, MAX_PASSWORD_BYTES, MIN_PASSWORD_LENGTH, newPasswordField, optional, recoveryCodeField, safeCallbackUrl, totpCodeField } from './fields';

fc.configureGlobal({ includeErrorInReport: true });
const RUNS = numRuns(500);

/** Anything at all, as a field might receive it from a forged request or a careless caller. */
const anyInput = fc.oneof(
  { arbitrary: fc.anything(), weight: 4 },
  { arbitrary: fc.dictionary(hostileName, fc.anything({ maxDepth: 1 }), { maxKeys: 3 }), weight: 1 }, // {toString: 0} and the like
  { arbitrary: anyString, weight: 4 },
  { arbitrary: fileValue, weight: 1 },
  { arbitrary: fc.array(anyString, { maxLength: 3 }), weight: 1 },
  { arbitrary: hugeString, weight: 1 },
);
const codePoints = (s: string) => [...s].length;
const fields = { emailField, currentPasswordField, newPasswordField, totpCodeField, recoveryCodeField, optionalTotp: optional(totpCodeField) };

test('every field: any input is parsed without throwing, and a refusal is a readable sentence', () => {
  fc.assert(
    fc.property(anyInput, (input) => {
      for (const [name, field] of Object.entries(fields)) {
        const result = field.safeParse(input);
        if (result.success) continue;
        assert.ok(result.error.issues.length > 0, name);
        for (const issue of result.error.issues) assert.ok(isReadableMessage(issue.message), `${name}: ${JSON.stringify(issue.message)}`);
      }
    }),
    { numRuns: RUNS },
  );
});

test('TOTP code: accepted exactly when it is six ASCII digits once whitespace is gone, and then it is those digits', () => {
  fc.assert(
    fc.property(fc.oneof(codeLikeString(14), codeLikeString(40), anyString), (input) => {
      const digits = input.replace(/\s/g, '');
      const expected = codePoints(input) <= 32 && /^[0-9]{6}$/.test(digits);
      const result = totpCodeField.safeParse(input);
      assert.equal(result.success, expected, JSON.stringify(input));
      if (result.success) {
        assert.equal(result.data, digits);
        assert.equal(normalizeTotpCode(input), digits, 'the sign-in check reads it the same way');
      }
    }),
    { numRuns: RUNS },
  );
});

test('TOTP code: six ASCII digits with any spacing are accepted; one non-ASCII digit, a 5th or 7th digit, a letter are refused', () => {
  const spaced = fc.array(fc.tuple(asciiDigit, fc.array(whitespace, { maxLength: 2 })), { minLength: 6, maxLength: 6 });
  const wrong = fc.oneof(
    nonAsciiDigit.map((d) => (digits: string) => digits.slice(0, 5) + d),
    nonAsciiDigit.map((d) => (digits: string) => digits + d),
    asciiDigit.map((d) => (digits: string) => digits + d),
    fc.constant((digits: string) => digits.slice(0, 5)),
    fc.constantFrom(...'aOlI-_.+x').map((c) => (digits: string) => digits.slice(0, 3) + c + digits.slice(3)),
  );
  fc.assert(
    fc.property(spaced, wrong, (parts, spoil) => {
      const digits = parts.map(([d]) => d).join('');
      assert.equal(totpCodeField.parse(parts.map(([d, s]) => d + s.join('')).join('')), digits);
      assert.equal(totpCodeField.safeParse(spoil(digits)).success, false, spoil(digits));
    }),
    { numRuns: RUNS },
  );
});

test('normalizeTotpCode: returns null or six ASCII digits, the input without its spaces and dashes', () => {
  fc.assert(
    fc.property(fc.oneof(codeLikeString(14), anyString), (input) => {
      const code = normalizeTotpCode(input);
      if (code !== null) assert.equal(code, input.replace(/[\s-]/g, ''));
      assert.equal(code !== null, /^[0-9]{6}$/.test(input.replace(/[\s-]/g, '')));
    }),
    { numRuns: RUNS },
  );
});

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const recoveryCode = fc.array(fc.constantFrom(...CROCKFORD), { minLength: 16, maxLength: 16 }).map((s) => s.join(''));
/** As a person may type a code: any case, groups split by spaces or dashes, or not at all. */
const typed = (code: string) =>
  fc
    .tuple(fc.mixedCase(fc.constant(code)), fc.array(fc.constantFrom('', '', '-', ' ', '--', ' - '), { minLength: 17, maxLength: 17 }))
    .map(([cased, seps]) => seps[0] + [...cased].map((c, i) => c + seps[i + 1]).join(''))
    .filter((s) => codePoints(s) <= 64);

test('recovery codes: any code typed in any case, with any spaces and dashes, reads back as the code', () => {
  fc.assert(
    fc.property(recoveryCode.chain((code) => fc.tuple(fc.constant(code), typed(code))), ([code, input]) => {
      assert.equal(recoveryCodeField.parse(input), input);
      assert.equal(normalizeRecoveryCode(input), code);
    }),
    { numRuns: RUNS },
  );
});

test('recovery codes: Crockford look-alikes (O for 0, I and L for 1) read as the digits', () => {
  const lookAlike = fc.array(fc.constantFrom(...CROCKFORD, 'O', 'o', 'I', 'i', 'L', 'l'), { minLength: 16, maxLength: 16 }).map((s) => s.join(''));
  fc.assert(
    fc.property(lookAlike, (input) => {
      assert.equal(normalizeRecoveryCode(input), input.toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1'));
    }),
    { numRuns: RUNS },
  );
});

test('recovery codes: 15 or 17 symbols, or any non-ASCII letter or digit, are refused', () => {
  const spoilers = fc.oneof(
    fc.constant((code: string) => code.slice(1)),
    fc.constantFrom(...CROCKFORD).map((c) => (code: string) => code + c),
    fc.constantFrom(...TRICKY_LETTERS, '٣', '３').map((c) => (code: string) => code.slice(0, 7) + c + code.slice(8)),
  );
  fc.assert(
    fc.property(recoveryCode, spoilers, (code, spoil) => {
      const input = spoil(code);
      assert.equal(recoveryCodeField.safeParse(input).success, false, input);
      assert.equal(normalizeRecoveryCode(input), null, input);
    }),
    { numRuns: RUNS },
  );
});

test('normalizeRecoveryCode: a non-null result came from 16 ASCII letters and digits', () => {
  fc.assert(
    fc.property(fc.oneof(codeLikeString(24), anyString), (input) => {
      const code = normalizeRecoveryCode(input);
      if (code === null) return;
      assert.match(code, /^[0-9A-HJKMNP-TV-Z]{16}$/);
      assert.match(input.replace(/[\s-]/g, ''), /^[0-9A-Za-z]{16}$/, JSON.stringify(input));
    }),
    { numRuns: RUNS },
  );
});

test('email: accepted values come out trimmed, lower-case and at most 254 characters', () => {
  const local = fc.stringMatching(/^[A-Za-z0-9_+-]{1,20}$/);
  const domain = fc.stringMatching(/^[A-Za-z0-9]{1,20}\.[A-Za-z]{2,6}$/);
  fc.assert(
    fc.property(local, domain, fc.array(whitespace, { maxLength: 3 }), fc.array(whitespace, { maxLength: 3 }), (l, d, before, after) => {
      const email = `${l}@${d}`;
      assert.equal(emailField.parse(before.join('') + email + after.join('')), email.toLowerCase());
    }),
    { numRuns: RUNS },
  );
  fc.assert(
    fc.property(fc.oneof({ arbitrary: anyString, weight: 3 }, { arbitrary: fc.emailAddress(), weight: 3 }, { arbitrary: fc.emailAddress().map((e) => ` ${e.toUpperCase()} `), weight: 3 }, { arbitrary: hugeString, weight: 1 }), (input) => {
      const result = emailField.safeParse(input);
      if (!result.success) return;
      assert.equal(result.data, result.data.trim().toLowerCase());
      assert.ok(codePoints(result.data) <= 254);
      assert.equal(result.data, input.trim().toLowerCase());
    }),
    { numRuns: RUNS },
  );
});

test(`passwords: accepted exactly when at most ${MAX_PASSWORD_BYTES} bytes of UTF-8 (and long enough), and never altered`, () => {
  const password = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 30 }), fc.string({ unit: 'grapheme-ascii', maxLength: 80 }));
  fc.assert(
    fc.property(password, (input) => {
      const fits = Buffer.byteLength(input, 'utf8') <= MAX_PASSWORD_BYTES;
      const current = currentPasswordField.safeParse(input);
      assert.equal(current.success, fits && input.length >= 1);
      if (current.success) assert.equal(current.data, input);
      const next = newPasswordField.safeParse(input);
      assert.equal(next.success, fits && codePoints(input) >= MIN_PASSWORD_LENGTH);
      if (next.success) assert.equal(next.data, input);
    }),
    { numRuns: RUNS },
  );
});

test('callback URLs: for any input, the input itself when it is a safe same-origin path, else /', () => {
  const pathish = fc.oneof(
    fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`)),
    fc.tuple(fc.constantFrom('/', '//', '/\\', '\\', '/login', '/api/', '/api', '/admin', ' /', '/\t', 'https:', 'javascript:'), fc.oneof(anyString, fc.webPath(), fc.webQueryParameters())).map(([a, b]) => a + b),
    anyInput,
  );
  fc.assert(
    fc.property(pathish, (input) => {
      const result = safeCallbackUrl(input);
      assert.ok(result === input || result === '/', 'the input or /');
      assert.match(result, /^\/(?![/\\])/, 'a path on this origin');
      assert.match(result, /^[\x21-\x7e]+$/, 'no spaces, control or non-ASCII characters');
      assert.ok(result.length <= 512);
      if (result !== '/') {
        assert.ok(!result.startsWith('/login') && !result.startsWith('/api/'), result);
        assert.equal(new URL(result, 'https://deskgate.example').origin, 'https://deskgate.example', 'resolves to this origin');
      }
    }),
    { numRuns: RUNS },
  );
});

test('optional fields: empty means absent, anything else is checked as usual', () => {
  const field = optional(totpCodeField);
  fc.assert(
    fc.property(fc.oneof(fc.constant(''), fc.constant(undefined), codeLikeString(10), anyInput), (input) => {
      const result = field.safeParse(input);
      if (input === '' || input === undefined) return assert.deepEqual(result, { success: true, data: undefined });
      assert.equal(result.success, totpCodeField.safeParse(input).success);
    }),
    { numRuns: RUNS },
  );
});
