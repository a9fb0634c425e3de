// Store-independent (pure functions): the PostgreSQL unit run skips it (package.json test:unit:pg).
// Every server action's form, fed forged FormData through the same validate() the actions run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { z } from 'zod';
import { asciiDigit, fileValue, formEntriesFor, hugeString, isReadableMessage, nonAsciiDigit, numRuns, toFormData, whitespace, type Entry } from '@/lib/testing/arbitraries';
import { english } from '@/lib/i18n/translate';
import { FIELDS_REFUSED, validate } from './form-data';
import {
  BULK_REQUIRE_MAX,
  changePasswordSchema,
  confirmCodeSchema,
  continueSignInSchema,
  forgotPasswordSchema,
  requireTwoFactorForSelectedSchema,
  resetPasswordSchema,
  resetTwoFactorSchema,
  setPolicySchema,
  setTwoFactorRequiredSchema,
  signInSchema,
  startEnrollmentSchema,
  stepUpSchema,
  verifyCodeSchema,
} from './forms';

fc.configureGlobal({ includeErrorInReport: true });
const RUNS = numRuns(300);
const REFUSED = FIELDS_REFUSED;

// Valid values, as a browser posts them.
const email = fc
  .tuple(fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,15}$/), fc.stringMatching(/^[a-z0-9]{1,12}$/), fc.constantFrom('com', 'example', 'co.uk', 'io'))
  .filter(([local]) => !/[.]{2}|[.]$/.test(local))
  .chain(([local, domain, tld]) => fc.mixedCase(fc.constant(`${local}@${domain}.${tld}`)));
const password = fc.string({ unit: 'binary', minLength: 1, maxLength: 18 }); // ≤ 18 code points: ≤ 72 bytes
const newPassword = fc.string({ unit: 'binary', minLength: 8, maxLength: 18 });
const totpCode = fc
  .array(fc.tuple(asciiDigit, fc.oneof({ arbitrary: fc.constant(''), weight: 5 }, { arbitrary: whitespace, weight: 1 })), { minLength: 6, maxLength: 6 })
  .map((parts) => parts.map(([d, s]) => d + s).join(''));
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const recoveryCode = fc
  .array(fc.constantFrom(...CROCKFORD), { minLength: 16, maxLength: 16 })
  .map((symbols) => symbols.join('').match(/.{4}/g)!.join('-'))
  .chain((code) => fc.mixedCase(fc.constant(code)));
const userId = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }).map(String);
const callbackUrl = fc.constantFrom('/', '/profile', '/admin/users?q=a', '//evil.example', 'https://evil.example/');

interface Spec {
  schema: z.ZodType;
  /** Every field the form has, with values that are valid on their own. */
  fields: Record<string, fc.Arbitrary<string>>;
  /** Whole valid forms. */
  valid: fc.Arbitrary<Record<string, string>>;
  /** Fields the form may leave out. */
  optional?: string[];
  /** Fields where any value at all is accepted (and made harmless later). */
  lenient?: string[];
}

const form = (fields: Record<string, fc.Arbitrary<string>>) => fc.record(fields);
const stepUpFields = { password, code: totpCode, recoveryCode };
const validStepUp = { password, code: fc.oneof(totpCode, fc.constant('')), recoveryCode: fc.oneof(recoveryCode, fc.constant('')) };

const specs: Record<string, Spec> = {
  signIn: {
    schema: signInSchema,
    fields: { email, password, callbackUrl },
    valid: fc.record({ email, password, callbackUrl }, { requiredKeys: ['email', 'password'] }),
    optional: ['callbackUrl'],
    lenient: ['callbackUrl'],
  },
  verifyCode: {
    schema: verifyCodeSchema,
    fields: { method: fc.constantFrom('code', 'recovery'), code: totpCode, recoveryCode },
    valid: fc.oneof(form({ method: fc.constant('code'), code: totpCode }), form({ method: fc.constant('recovery'), recoveryCode })),
  },
  confirmCode: { schema: confirmCodeSchema, fields: { code: totpCode }, valid: form({ code: totpCode }) },
  continueSignIn: { schema: continueSignInSchema, fields: { saved: fc.constant('yes') }, valid: form({ saved: fc.constant('yes') }) },
  startEnrollment: { schema: startEnrollmentSchema, fields: { password }, valid: form({ password }) },
  stepUp: {
    schema: stepUpSchema,
    fields: stepUpFields,
    valid: fc.record(validStepUp, { requiredKeys: ['password'] }),
    optional: ['code', 'recoveryCode'],
  },
  changePassword: {
    schema: changePasswordSchema,
    fields: { currentPassword: password, newPassword, confirmPassword: newPassword },
    valid: fc.tuple(password, newPassword).map(([currentPassword, next]) => ({ currentPassword, newPassword: next, confirmPassword: next })),
  },
  forgotPassword: { schema: forgotPasswordSchema, fields: { email }, valid: form({ email }) },
  resetPassword: {
    schema: resetPasswordSchema,
    fields: { newPassword, confirmPassword: newPassword },
    valid: newPassword.map((next) => ({ newPassword: next, confirmPassword: next })),
  },
  resetTwoFactor: {
    schema: resetTwoFactorSchema,
    fields: { userId, reason: fc.string({ maxLength: 500 }), ...stepUpFields },
    valid: fc.record({ userId, reason: fc.string({ maxLength: 500 }), ...validStepUp }, { requiredKeys: ['userId', 'password'] }),
    optional: ['reason', 'code', 'recoveryCode'],
  },
  setTwoFactorRequired: {
    schema: setTwoFactorRequiredSchema,
    fields: { userId, required: fc.constantFrom('on', 'off'), ...stepUpFields },
    valid: fc.record({ userId, required: fc.constantFrom('on', 'off'), ...validStepUp }, { requiredKeys: ['userId', 'required'] }),
    optional: ['password', 'code', 'recoveryCode'],
  },
  setPolicy: {
    schema: setPolicySchema,
    fields: { policy: fc.constantFrom('off', 'optional', 'required'), ...stepUpFields },
    valid: fc.record({ policy: fc.constantFrom('off', 'optional', 'required'), ...validStepUp }, { requiredKeys: ['policy'] }),
    optional: ['password', 'code', 'recoveryCode'],
  },
};

/** Fields where any character is fine. */
const FREE_TEXT = ['password', 'currentPassword', 'newPassword', 'confirmPassword', 'reason'];

const entriesOf = (values: Record<string, string>): Entry[] => Object.entries(values);

/** A refusal names only fields of the form, each with sentences a person can act on. */
function assertReadableRefusal(spec: Spec, state: { error: string; fieldErrors: Record<string, string[] | undefined> }) {
  assert.equal(state.error, REFUSED);
  const fields = Object.keys(state.fieldErrors);
  assert.ok(fields.length > 0, 'a refusal highlights at least one field');
  for (const field of fields) {
    assert.ok(field in spec.fields, `an error for "${field}", which the form does not have`);
    const messages = state.fieldErrors[field]!;
    assert.ok(messages.length > 0);
    for (const message of messages) assert.ok(isReadableMessage(message), `not a readable message for ${field}: ${JSON.stringify(message)}`);
  }
}

for (const [name, spec] of Object.entries(specs)) {
  test(`${name}: any forged form is refused with readable messages, or accepted as clean strings`, () => {
    fc.assert(
      fc.property(formEntriesFor(spec.fields), (entries) => {
        const checked = validate(spec.schema, toFormData(entries));
        if ('state' in checked) return assertReadableRefusal(spec, checked.state);
        const data = checked.data as Record<string, unknown>;
        for (const [key, value] of Object.entries(data)) {
          assert.ok(key in spec.fields, `accepted data carries "${key}", which the form does not have`);
          assert.ok(value === undefined || typeof value === 'string' || Number.isSafeInteger(value), `${key} is ${typeof value}`);
        }
        // What validation lets through is already in its final form.
        assert.deepEqual(spec.schema.parse(data), data);
      }),
      { numRuns: RUNS },
    );
  });

  test(`${name}: a valid form is accepted, and breaking any one of its fields is refused at that field`, () => {
    const breakage = fc.constantFrom('repeat', 'file', 'remove', 'huge', 'non-ASCII digit', 'surround with ?');
    fc.assert(
      fc.property(spec.valid, fc.nat(), breakage, fileValue, hugeString, nonAsciiDigit, (values, pick, how, file, huge, digit) => {
        const accepted = validate(spec.schema, toFormData(entriesOf(values)));
        assert.ok('data' in accepted, `refused: ${JSON.stringify(values)} ${JSON.stringify('state' in accepted && accepted.state)}`);

        const present = Object.keys(values).filter((k) => values[k] !== '');
        const field = present[pick % present.length]!;
        fc.pre(!spec.lenient?.includes(field));
        let entries = entriesOf(values);
        const replace = (value: string | Blob) => entries.map(([k, v]): Entry => [k, k === field ? value : v]);
        if (how === 'repeat') entries = [...entries, [field, values[field]!]];
        else if (how === 'file') entries = replace(file);
        else if (how === 'remove') {
          fc.pre(!spec.optional?.includes(field));
          entries = entries.filter(([k]) => k !== field);
        } else if (how === 'huge') {
          fc.pre(field !== 'reason' || [...huge.trim()].length > 500); // trimmed first; zod counts code points
          entries = replace(huge);
        } else if (how === 'non-ASCII digit') {
          fc.pre(!FREE_TEXT.includes(field) && /[0-9]/.test(values[field]!));
          entries = replace(values[field]!.replace(/[0-9]/, digit));
        } else {
          fc.pre(!FREE_TEXT.includes(field));
          entries = replace(`?${values[field]}?`);
        }
        const refused = validate(spec.schema, toFormData(entries));
        assert.ok('state' in refused, `${how} ${field}: accepted ${JSON.stringify('data' in refused && refused.data)}`);
        assert.ok(refused.state.fieldErrors[field]?.length, `${how} ${field}: errors on ${Object.keys(refused.state.fieldErrors).join(', ')}`);
        assertReadableRefusal(spec, refused.state);
      }),
      { numRuns: RUNS },
    );
  });
}

test('changing the password: the confirmation must match the new password exactly', () => {
  fc.assert(
    fc.property(password, newPassword, newPassword, (currentPassword, newPw, confirmPassword) => {
      const checked = validate(changePasswordSchema, toFormData(entriesOf({ currentPassword, newPassword: newPw, confirmPassword })));
      if (newPw === confirmPassword) return assert.ok('data' in checked);
      assert.ok('state' in checked);
      assert.deepEqual(checked.state.fieldErrors, { confirmPassword: ['AccountValidation.passwordsDiffer'] });
      assert.equal(english('AccountValidation.passwordsDiffer'), 'The two new passwords do not match.');
    }),
    { numRuns: RUNS },
  );
});

test('require 2FA for selected: any forged form is refused at its own fields, or gives 1–100 safe ids and strings', () => {
  const fields = { userIds: userId, ...stepUpFields };
  fc.assert(
    fc.property(formEntriesFor(fields), (entries) => {
      const checked = validate(requireTwoFactorForSelectedSchema, toFormData(entries));
      if ('state' in checked) {
        assert.equal(checked.state.error, REFUSED);
        for (const [field, messages] of Object.entries(checked.state.fieldErrors)) {
          assert.ok(field in fields, `an error for "${field}", which the form does not have`);
          for (const message of messages ?? []) assert.ok(isReadableMessage(message), `not readable: ${JSON.stringify(message)}`);
        }
        return;
      }
      const { userIds, password: pw } = checked.data;
      assert.ok(userIds.length >= 1 && userIds.length <= BULK_REQUIRE_MAX);
      assert.ok(userIds.every((id) => Number.isSafeInteger(id) && id > 0));
      assert.equal(typeof pw, 'string');
    }),
    { numRuns: RUNS },
  );
});

test('require 2FA for selected: 1–100 ticked rows are accepted as numbers; none, 101 or one bad id is refused at userIds', () => {
  const ids = fc.array(userId, { minLength: 1, maxLength: BULK_REQUIRE_MAX });
  fc.assert(
    fc.property(ids, password, fc.nat(), fc.constantFrom('', 'x', '0', '-3', '1.5', '9007199254740993', '1e400'), (values, pw, pick, bad) => {
      const entries = (list: string[]): Entry[] => [...list.map((v): Entry => ['userIds', v]), ['password', pw]];
      const accepted = validate(requireTwoFactorForSelectedSchema, toFormData(entries(values)));
      assert.ok('data' in accepted);
      assert.deepEqual(accepted.data.userIds, values.map(Number));
      const broken = [...values];
      broken[pick % broken.length] = bad;
      for (const list of [[], [...values, ...Array.from({ length: BULK_REQUIRE_MAX + 1 - values.length }, () => '1')], broken]) {
        const refused = validate(requireTwoFactorForSelectedSchema, toFormData(entries(list)));
        assert.ok('state' in refused, `accepted ${JSON.stringify(list).slice(0, 80)}`);
        assert.ok(refused.state.fieldErrors.userIds?.length, JSON.stringify(refused.state.fieldErrors));
      }
    }),
    { numRuns: RUNS },
  );
});
