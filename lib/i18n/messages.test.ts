// Store-independent (message files only): the PostgreSQL unit run skips it (package.json test:unit:pg).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTranslator, IntlErrorCode, type IntlError } from 'use-intl/core';
import { messageFallback, onIntlError, strictMessages } from './errors';
import { LOCALES } from './locales';
import { loadMessages, mergeCatalogs } from './messages';
import { isMessageKey, localize, translatorFor } from './translate';
import { message } from './keys';

type Tree = { [key: string]: string | Tree };

/** Every message of a catalog by its dotted path. */
function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [p, v] of flatten(value, path)) out.set(p, v);
  }
  return out;
}

/** The ICU arguments ({name}, {n, plural, …}) and rich-text tags (<strong>) a message uses. */
function placeholders(text: string): string[] {
  const args = [...text.matchAll(/\{\s*([A-Za-z0-9_]+)\s*[,}]/g)].map((m) => `{${m[1]}}`);
  const tags = [...text.matchAll(/<([A-Za-z0-9_]+)>/g)].map((m) => `<${m[1]}>`);
  return [...new Set([...args, ...tags])].sort();
}

const catalogs = Object.fromEntries(LOCALES.map((locale) => [locale, flatten(loadMessages(locale) as unknown as Tree)]));

test('English and German have the same keys', () => {
  const en = [...catalogs.en!.keys()].sort();
  const de = [...catalogs.de!.keys()].sort();
  assert.deepEqual(
    en.filter((k) => !catalogs.de!.has(k)),
    [],
    'keys only in English',
  );
  assert.deepEqual(
    de.filter((k) => !catalogs.en!.has(k)),
    [],
    'keys only in German',
  );
  assert.ok(en.length > 50);
});

test('each message uses the same placeholders and tags in both languages', () => {
  for (const [key, english] of catalogs.en!) {
    assert.deepEqual(placeholders(catalogs.de!.get(key) ?? ''), placeholders(english), key);
  }
});

test('every message formats in both languages (valid ICU syntax), with no text left empty', () => {
  for (const locale of LOCALES) {
    const t = createTranslator({ locale, messages: loadMessages(locale), onError: (error) => onIntlError(error, true) });
    for (const [key, text] of catalogs[locale]!) {
      assert.ok(text.trim().length > 0, `${locale} ${key} is empty`);
      const values = Object.fromEntries(placeholders(text).filter((p) => p.startsWith('{')).map((p) => [p.slice(1, -1), 2]));
      const tags = Object.fromEntries(placeholders(text).filter((p) => p.startsWith('<')).map((p) => [p.slice(1, -1), (chunks: unknown) => chunks]));
      const out = Object.keys(tags).length ? t.markup(key as never, { ...values, ...tags } as never) : t(key as never, values as never);
      assert.equal(typeof out, 'string', `${locale} ${key}`);
      assert.doesNotMatch(out, /[{}]/, `${locale} ${key} left a placeholder: ${out}`);
    }
  }
});

test('a missing key throws in development and tests; in production it is logged and shows its path', () => {
  assert.equal(strictMessages({ NODE_ENV: 'test' }), true);
  assert.equal(strictMessages({ NODE_ENV: 'development' }), true);
  assert.equal(strictMessages({ NODE_ENV: 'production' }), false);
  assert.equal(strictMessages({ NODE_ENV: 'production', DESKGATE_STRICT_MESSAGES: '1' }), true);
  // This test run is strict: a page (or action) asking for a key that is not there fails.
  assert.throws(() => translatorFor('de')('Login.noSuchMessage'), (error: IntlError) => error.code === IntlErrorCode.MISSING_MESSAGE);
  assert.throws(() => localize('Validation.noSuchMessage', translatorFor('en')), /MISSING_MESSAGE/);
  // Production: no exception, the key's path instead of an empty string.
  const lenient = createTranslator({ locale: 'de', messages: loadMessages('de'), onError: (error) => onIntlError(error, false), getMessageFallback: messageFallback });
  assert.equal(lenient('Login.noSuchMessage' as never), 'Login.noSuchMessage');
});

test('message keys, with values, are translated; sentences pass through', () => {
  assert.equal(isMessageKey('Validation.totpCode'), true);
  assert.equal(isMessageKey('Auth.locked?minutes=5'), true);
  assert.equal(isMessageKey('That code did not work.'), false);
  assert.equal(isMessageKey('Sign-in cancelled.'), false);
  assert.equal(localize('Validation.passwordTooShort', translatorFor('de')), 'Verwenden Sie mindestens 8 Zeichen.');
  assert.equal(localize(message('Auth.locked', { minutes: 1 }), translatorFor('en')).includes('locked for 1 minute.'), true);
  assert.equal(localize(message('Auth.locked', { minutes: 5 }), translatorFor('de')).includes('für 5 Minuten gesperrt'), true);
  // A value is data: whatever a user typed comes back as it was, never read as a key or markup.
  assert.equal(localize(message('Setup.keyAdded', { name: 'A&B <b>?x=1' }), translatorFor('en')), '“A&B <b>?x=1” is added. Two-factor authentication is on.');
  assert.equal(localize('plain text', translatorFor('de')), 'plain text');
  // Text made of digits stays text (not 7, not 12345678901234567000); numbers stay numbers (plurals).
  assert.equal(localize(message('Setup.keyAdded', { name: '007' }), translatorFor('en')), '“007” is added. Two-factor authentication is on.');
  assert.equal(localize(message('Setup.keyAdded', { name: '12345678901234567890' }), translatorFor('en')).startsWith('“12345678901234567890”'), true);
  assert.equal(localize(message('Auth.locked', { minutes: 2 }), translatorFor('en')).includes('locked for 2 minutes.'), true);
});

test('the catalog parts merge into one tree, and a message defined by two parts is refused', () => {
  assert.deepEqual(mergeCatalogs({ A: { x: 'x' }, Client: { B: { y: 'y' } } }, { Client: { C: { z: 'z' } } }), {
    A: { x: 'x' },
    Client: { B: { y: 'y' }, C: { z: 'z' } },
  });
  assert.throws(() => mergeCatalogs({ A: { x: 'x' } }, { A: { x: 'again' } }), /A\.x is defined twice/);
  assert.throws(() => mergeCatalogs({ A: { x: 'x' } }, { A: { x: { deeper: 'y' } } }), /A\.x is defined twice/);
});
