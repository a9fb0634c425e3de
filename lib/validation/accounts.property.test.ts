// Store-independent (pure functions): the PostgreSQL unit run skips it (package.json test:unit:pg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { anyString, hugeString, isReadableMessage, numRuns } from '@/lib/testing/arbitraries';
import { newOrganizationSchema, newUserSchema } from './accounts';

fc.configureGlobal({ includeErrorInReport: true });
const RUNS = numRuns(500);

const text = fc.oneof(
  { arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$/), weight: 3 },
  { arbitrary: fc.stringMatching(/^ ?[A-Za-z0-9_+-]{1,10}@[a-z0-9]{1,10}\.[a-z]{2,4} ?$/), weight: 3 },
  { arbitrary: fc.constantFrom('off', 'optional', 'required', 'member', 'admin', 'password', 'sso', '', ' ', '-a', 'a-'), weight: 3 },
  { arbitrary: anyString, weight: 3 },
  { arbitrary: hugeString, weight: 1 },
);
// What the command line hands over: strings, a flag given without a value (true), or nothing.
const cliValue = fc.oneof({ arbitrary: text, weight: 8 }, { arbitrary: fc.constant(true), weight: 1 }, { arbitrary: fc.constant(undefined), weight: 1 });
/** Mostly a valid value, so that whole inputs are often valid and the checks that come last run too. */
const validOr = (valid: fc.Arbitrary<string | undefined>) => fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: cliValue, weight: 1 });
const slug = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/);
const name = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim().length > 0);

test('new organization: any command-line input is refused with readable messages, or gives a clean slug, name and policy', () => {
  fc.assert(
    fc.property(fc.record({ slug: validOr(slug), name: validOr(name), policy: validOr(fc.constantFrom('off', 'optional', 'required', undefined)) }), (input) => {
      const result = newOrganizationSchema.safeParse(input);
      if (!result.success) {
        for (const issue of result.error.issues) assert.ok(isReadableMessage(issue.message), `--${issue.path.join('.')}: ${issue.message}`);
        return;
      }
      assert.match(result.data.slug, /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/);
      assert.equal(result.data.name, result.data.name.trim());
      assert.ok(result.data.name.length > 0 && [...result.data.name].length <= 100);
      assert.ok(['off', 'optional', 'required'].includes(result.data.policy));
    }),
    { numRuns: RUNS },
  );
});

test('new user: any command-line input is refused with readable messages; a password user has a password, an SSO user none', () => {
  const input = fc.record({
    org: validOr(slug),
    email: validOr(fc.stringMatching(/^[A-Za-z0-9_+-]{1,10}@[a-z0-9]{1,10}\.[a-z]{2,4}$/)),
    name: validOr(name),
    role: validOr(fc.constantFrom('member', 'admin', undefined)),
    method: fc.constantFrom('password', 'sso'),
    password: fc.oneof(fc.constant(undefined), fc.string({ minLength: 8, maxLength: 18 }), cliValue),
  });
  fc.assert(
    fc.property(input, (input) => {
      const result = newUserSchema.safeParse(input);
      if (!result.success) {
        for (const issue of result.error.issues) assert.ok(isReadableMessage(issue.message), `--${issue.path.join('.')}: ${issue.message}`);
        return;
      }
      const user = result.data;
      assert.equal(user.method === 'password', user.password !== undefined);
      assert.equal(user.email, user.email.trim().toLowerCase());
      assert.ok(['member', 'admin'].includes(user.role));
    }),
    { numRuns: RUNS },
  );
});
