// Store-independent (pure functions): the PostgreSQL unit run skips it (package.json test:unit:pg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { z } from 'zod';
import { boundArgument, formValue, hostileName, numRuns, toFormData, type Entry } from '@/lib/testing/arbitraries';
import { formEntries, UNREADABLE_FORM, validate } from './form-data';
import { totpCodeField } from './fields';

fc.configureGlobal({ includeErrorInReport: true });
const RUNS = numRuns(500);

const entries = fc.array(fc.tuple(fc.oneof(hostileName, fc.constantFrom('code', 'email', 'a', 'b')), fc.oneof(formValue(), boundArgument)) as fc.Arbitrary<Entry>, { maxLength: 12 });
const describe = (v: unknown): unknown => (Array.isArray(v) ? v.map(describe) : v instanceof Blob ? `blob of ${v.size} bytes` : v);

test('formEntries: one own property per field name, arrays for repeats, React action fields dropped', () => {
  fc.assert(
    fc.property(entries, (list) => {
      const out = formEntries(toFormData(list));
      assert.equal(Object.getPrototypeOf(out), Object.prototype, 'the result is a plain object');
      const expected = new Map<string, unknown[]>();
      for (const [name, value] of toFormData(list).entries()) {
        if (name.startsWith('$ACTION')) continue;
        expected.set(name, [...(expected.get(name) ?? []), value]);
      }
      assert.deepEqual(Object.keys(out).sort(), [...expected.keys()].sort());
      for (const [name, values] of expected) {
        assert.ok(Object.hasOwn(out, name), name);
        assert.deepEqual(describe(out[name]), describe(values.length === 1 ? values[0] : values), name);
      }
    }),
    { numRuns: RUNS },
  );
});

test('validate: forged $ACTION fields and bound arguments change nothing', () => {
  const schema = z.object({ code: totpCodeField });
  const forged = fc.array(fc.tuple(fc.constantFrom('$ACTION_ID_00c0ffee', '$ACTION_REF_1', '$ACTION_1:0', '$ACTION_KEY', '$ACTION_code'), boundArgument) as fc.Arbitrary<Entry>, { maxLength: 4 });
  fc.assert(
    fc.property(entries, forged, fc.nat(), (list, extra, at) => {
      const withForged = [...list.slice(0, at % (list.length + 1)), ...extra, ...list.slice(at % (list.length + 1))];
      assert.deepEqual(describe(validate(schema, toFormData(withForged))), describe(validate(schema, toFormData(list))));
    }),
    { numRuns: RUNS },
  );
});

test('validate: a repeated field is refused by a string field, whatever its values', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.constant('123456'), formValue()), { minLength: 2, maxLength: 4 }), (values) => {
      const checked = validate(z.object({ code: totpCodeField }), toFormData(values.map((v): Entry => ['code', v])));
      assert.ok('state' in checked);
      assert.deepEqual(checked.state.fieldErrors, { code: ['Validation.totpCode'] });
    }),
    { numRuns: RUNS },
  );
});

test('validate: a forged call that passes anything but a form gets one plain message', () => {
  const schema = z.object({ code: z.string() });
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.constant(new URLSearchParams('code=1')), fc.constant(new Map([['code', '1']]))), (value) => {
      const checked = validate(schema, value);
      assert.ok('state' in checked);
      assert.deepEqual(checked.state, { error: UNREADABLE_FORM, fieldErrors: {} });
    }),
    { numRuns: RUNS },
  );
});
