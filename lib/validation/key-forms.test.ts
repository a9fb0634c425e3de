// Store-independent (pure functions): the PostgreSQL unit run skips it (package.json test:unit:pg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SoftwareAuthenticator } from '@/lib/testing/software-authenticator';
import { localize, translatorFor } from '@/lib/i18n/translate';
import { validate } from './form-data';
import { passkeySignInSchema, verifyKeySchema } from './forms';

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
};
const options = { challenge: 'Y2hhbGxlbmdlLWNoYWxsZW5nZQ', rpId: 'localhost' };
const assertion = new SoftwareAuthenticator().authenticate(options, { origin: 'http://localhost:3000', rpId: 'localhost' });

test('a well-formed assertion passes the key forms, as the object it encodes', () => {
  for (const schema of [verifyKeySchema, passkeySignInSchema]) {
    const checked = validate(schema, form({ response: JSON.stringify(assertion) }));
    assert.ok('data' in checked);
    assert.equal(checked.data.response.id, assertion.id);
  }
});

test('anything else is refused with a sentence before it could count as an attempt', () => {
  const junk = ['0', '-1', 'null', '[]', '{}', 'not json', JSON.stringify({ ...assertion, type: 'password' }), JSON.stringify({ ...assertion, rawId: 'other' }), 'x'.repeat(30_000)];
  for (const response of junk) {
    const checked = validate(verifyKeySchema, form({ response }));
    assert.ok('state' in checked, response.slice(0, 40));
    assert.deepEqual(checked.state.fieldErrors.response?.map((m) => localize(m, translatorFor('en'))), ['Your security key’s answer could not be read. Try again.']);
  }
  assert.ok('state' in validate(verifyKeySchema, form({})));
  const repeated = form({ response: JSON.stringify(assertion) });
  repeated.append('response', JSON.stringify(assertion));
  assert.ok('state' in validate(verifyKeySchema, repeated), 'a repeated field');
});
