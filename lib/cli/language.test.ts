// Store-independent (its CLI runs on SQLite files of its own (DATABASE_URL=file:…)): the PostgreSQL unit run skips it (package.json test:unit:pg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runScript, tempDir } from '@/lib/testing/spawn';

// The CLI answers in the operator's language (LC_ALL, then LC_MESSAGES, then LANG); machine formats stay.

const env = { DATABASE_URL: `file:${path.join(tempDir(), 'language.db')}`, DESKGATE_LOG: 'off' };
const cli = (language: Record<string, string>, ...args: string[]) => runScript('lib/cli/main.ts', args, { ...env, ...language });
const german = { LANG: 'de_DE.UTF-8' };
const english = { LANG: 'C' };

test('with LANG=de_DE.UTF-8 the answers, refusals and usage are German; with LANG=C English', () => {
  const created = cli(german, 'org:create', '--slug', 'sprache', '--name', 'Sprache');
  assert.equal(created.status, 0, created.stderr);
  assert.equal(created.stdout, 'Organisation sprache (Sprache) angelegt, 2FA-Richtlinie optional.\n');
  const again = cli(english, 'org:create', '--slug', 'language', '--name', 'Language');
  assert.equal(again.stdout, 'Created organization language (Language), 2FA policy optional.\n');

  const taken = cli(german, 'user:invite', '--org', 'nirgends', '--email', 'a@b.example', '--name', 'A');
  assert.equal(taken.status, 1);
  assert.equal(taken.stderr, 'deskgate: keine Organisation hat den Slug „nirgends“\n');
  assert.equal(cli(english, 'user:invite', '--org', 'nowhere', '--email', 'a@b.example', '--name', 'A').stderr, 'deskgate: no organization has the slug "nowhere"\n');

  // A validation message (a key or a sentence from lib code) reads in the operator's language too.
  assert.equal(cli(german, 'user:create', '--org', 'sprache', '--email', 'kein-email', '--name', 'N', '--password', 'long-enough-1').stderr, 'deskgate: --email: Geben Sie eine gültige E-Mail-Adresse ein.\n');
  assert.match(cli(german, 'nope').stderr, /^deskgate: unbekannter Befehl „nope“ \(siehe --help\)\n$/);
  assert.match(cli(german, '--help').stdout, /^Aufruf: npm run cli -- <Befehl> \[Optionen\] \[--json\]\n\nBefehle:\n/);
  assert.match(cli(english, '--help').stdout, /^Usage: npm run cli -- <command> \[options\] \[--json\]\n\nCommands:\n/);
});

test('LC_ALL wins over LANG, then LC_MESSAGES; JSON stays as it is', () => {
  assert.match(cli({ LC_ALL: 'C', LANG: 'de_DE.UTF-8' }, 'nope').stderr, /unknown command "nope"/);
  assert.match(cli({ LC_MESSAGES: 'de_DE.UTF-8', LANG: 'en_US.UTF-8' }, 'nope').stderr, /unbekannter Befehl/);
  assert.match(cli({ LC_ALL: 'de', LANG: 'C' }, 'nope').stderr, /unbekannter Befehl/);
  const json = cli(german, 'org:passkeys', '--slug', 'sprache', '--off', '--json');
  assert.equal(json.status, 0, json.stderr);
  assert.deepEqual(JSON.parse(json.stdout), { slug: 'sprache', passkeySignIn: false, changed: true });
  assert.equal(cli(german, 'org:passkeys', '--slug', 'sprache', '--off').stdout, 'Passkey-Anmeldung für sprache ist aus (unverändert).\n');
});
