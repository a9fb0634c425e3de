// Store-independent (reads configuration only): the PostgreSQL unit run skips it (package.json test:unit:pg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runScript, tempDir } from '@/lib/testing/spawn';
import { ConfigError, readConfig } from './config';

const trustHost = (env: Record<string, string>) => readConfig(env).authTrustHost;

test('AUTH_TRUST_HOST is honoured: unset keeps trusting the host, false needs AUTH_URL', () => {
  assert.equal(trustHost({}), true, 'unset: as before (the custom server strips X-Forwarded-Host unless TRUST_PROXY=1)');
  assert.equal(trustHost({ AUTH_TRUST_HOST: '' }), true, 'empty counts as unset');
  assert.equal(trustHost({ AUTH_TRUST_HOST: 'true' }), true);
  assert.equal(trustHost({ AUTH_TRUST_HOST: '1' }), true);
  // With a fixed URL Auth.js takes the origin from it, so no header is trusted either way.
  assert.equal(trustHost({ AUTH_TRUST_HOST: 'false', AUTH_URL: 'https://deskgate.example.com' }), true);
  assert.equal(trustHost({ AUTH_TRUST_HOST: '0', AUTH_URL: 'https://deskgate.example.com' }), true);
  for (const value of ['false', '0']) {
    assert.throws(() => readConfig({ AUTH_TRUST_HOST: value }), (error: Error) => error instanceof ConfigError && /^AUTH_TRUST_HOST=false needs AUTH_URL, the URL the app is served at/.test(error.message) && !error.message.includes('\n'));
  }
});

test('a malformed AUTH_TRUST_HOST or AUTH_URL is refused with one clear line', () => {
  assert.throws(() => readConfig({ AUTH_TRUST_HOST: 'yes' }), /Invalid environment variable AUTH_TRUST_HOST: must be true, 1, false or 0/);
  assert.throws(() => readConfig({ AUTH_URL: 'deskgate.example.com' }), /Invalid environment variable AUTH_URL: must be the URL the app is served at/);
});

test('the shutdown delay and drain time are whole seconds within bounds', () => {
  assert.doesNotThrow(() => readConfig({ DESKGATE_SHUTDOWN_DELAY_SECONDS: '0', DESKGATE_SHUTDOWN_DRAIN_SECONDS: '600' }));
  assert.throws(() => readConfig({ DESKGATE_SHUTDOWN_DELAY_SECONDS: '301' }), /Invalid environment variable DESKGATE_SHUTDOWN_DELAY_SECONDS/);
  assert.throws(() => readConfig({ DESKGATE_SHUTDOWN_DRAIN_SECONDS: '0' }), /Invalid environment variable DESKGATE_SHUTDOWN_DRAIN_SECONDS/);
  assert.throws(() => readConfig({ DESKGATE_SHUTDOWN_DRAIN_SECONDS: '2.5' }), /Invalid environment variable DESKGATE_SHUTDOWN_DRAIN_SECONDS/);
});

test('forgotten-password limits: 5 per email, 20 per address, 3 mails an hour by default; positive whole numbers only', () => {
  assert.deepEqual(readConfig({}).reset, { emailRequests: 5, ipRequests: 20, mailsPerHour: 3 });
  assert.deepEqual(readConfig({ DESKGATE_RESET_EMAIL_REQUESTS: '2', DESKGATE_RESET_IP_REQUESTS: '500', DESKGATE_RESET_MAILS_PER_HOUR: '1' }).reset, { emailRequests: 2, ipRequests: 500, mailsPerHour: 1 });
  for (const name of ['DESKGATE_RESET_EMAIL_REQUESTS', 'DESKGATE_RESET_IP_REQUESTS', 'DESKGATE_RESET_MAILS_PER_HOUR']) {
    for (const bad of ['0', '-1', '1.5', 'many']) assert.throws(() => readConfig({ [name]: bad }), new RegExp(`Invalid environment variable ${name}:`));
  }
});

test('npm start refuses AUTH_TRUST_HOST=false without AUTH_URL with one line, before building anything', () => {
  const started = runScript('lib/ops/start.ts', [], { DATABASE_URL: `file:${path.join(tempDir(), 'trust.db')}`, AUTH_TRUST_HOST: 'false', AUTH_URL: '' });
  assert.equal(started.status, 1);
  assert.equal(started.stderr, 'deskgate: AUTH_TRUST_HOST=false needs AUTH_URL, the URL the app is served at (such as https://deskgate.example.com).\n');
});

test('SECURITY_CONTACT: an email address becomes mailto:, an https:, mailto: or tel: URI is kept, anything else is refused in one line', () => {
  const contact = (value: string) => readConfig({ SECURITY_CONTACT: value }).securityContact;
  assert.equal(contact('security@example.com'), 'mailto:security@example.com');
  assert.equal(contact('https://example.com/security'), 'https://example.com/security');
  assert.equal(contact('mailto:security@example.com'), 'mailto:security@example.com');
  assert.equal(contact('tel:+1-555-0100'), 'tel:+1-555-0100');
  assert.equal(contact(''), undefined);
  assert.equal(readConfig({}).securityContact, undefined);
  for (const bad of ['http://example.com/security', 'ftp://example.com', 'security at example.com', 'mailto:', 'javascript:alert(1)']) {
    assert.throws(() => contact(bad), (error: Error) => error instanceof ConfigError && error.message === 'Invalid environment variable SECURITY_CONTACT: must be an email address or an https:, mailto: or tel: URI, such as security@example.com', bad);
  }
  assert.equal(contact('https://example.com/a\nExpires: 2099-01-01T00:00:00Z'), 'https://example.com/aExpires:%202099-01-01T00:00:00Z', 'no line break reaches the file');
});

test('npm start refuses a SECURITY_CONTACT that is no email address or https:, mailto: or tel: URI, in one line', () => {
  const started = runScript('lib/ops/start.ts', [], { DATABASE_URL: `file:${path.join(tempDir(), 'contact.db')}`, SECURITY_CONTACT: 'http://example.com/security' });
  assert.equal(started.status, 1);
  assert.equal(started.stderr, 'deskgate: Invalid environment variable SECURITY_CONTACT: must be an email address or an https:, mailto: or tel: URI, such as security@example.com\n');
});

test('npm start refuses a malformed SMTP_URL in one line, without its password and without a stack trace', () => {
  const started = runScript('lib/ops/start.ts', [], { DATABASE_URL: `file:${path.join(tempDir(), 'smtp.db')}`, SMTP_URL: 'smtp//deskgate:hunter2@mail.example' });
  assert.equal(started.status, 1);
  assert.equal(started.stderr, 'deskgate: Invalid environment variable SMTP_URL: must be smtp://user:password@host:port or smtps://user:password@host:port\n');
});

test('a trusted browser day is 86400 s by default; tests may shorten it, never lengthen it', () => {
  assert.equal(readConfig({}).trustedBrowserDayMs, 86_400_000);
  assert.equal(readConfig({ DESKGATE_TRUSTED_BROWSER_DAY_SECONDS: '2' }).trustedBrowserDayMs, 2000);
  for (const bad of ['0', '-1', '1.5', '86401', 'long']) assert.throws(() => readConfig({ DESKGATE_TRUSTED_BROWSER_DAY_SECONDS: bad }), /Invalid environment variable DESKGATE_TRUSTED_BROWSER_DAY_SECONDS:/);
});
