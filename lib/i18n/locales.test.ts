// Store-independent (pure functions): the PostgreSQL unit run skips it (package.json test:unit:pg).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { negotiateLocale } from './locales';

test('Accept-Language picks the most wanted of English and German', () => {
  assert.equal(negotiateLocale('de-DE,de;q=0.9,en;q=0.8'), 'de');
  assert.equal(negotiateLocale('en-US,en;q=0.9,de;q=0.8'), 'en');
  assert.equal(negotiateLocale('fr-FR, de-AT;q=0.5, en;q=0.4'), 'de');
  assert.equal(negotiateLocale('en;q=0.2, DE;q=0.7'), 'de');
  // Equal weights: the header's order decides.
  assert.equal(negotiateLocale('de, en'), 'de');
});

test('Accept-Language that names neither language, refuses it or is malformed gives no choice', () => {
  for (const header of [null, undefined, '', '*', 'fr, es;q=0.5', 'de;q=0', 'de;q=abc', 'de;q=2', ';;;,,,', 'deutsch']) {
    assert.equal(negotiateLocale(header), null, String(header));
  }
  assert.equal(negotiateLocale('de;q=0, en;q=0.1'), 'en');
});
