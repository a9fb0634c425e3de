// Store-independent (pure functions): the PostgreSQL unit run skips it (package.json test:unit:pg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as OTPAuth from 'otpauth';
import { clockDrift, DRIFT_STEPS, groupedKey, spokenKey, matchingStep, newTotpSecret, normalizeTotpCode, otpauthUri } from './totp';

// RFC 6238 Appendix B: 8 digits, 30 s, the seeds are ASCII digits of the hash's length.
const seeds = { SHA1: '12345678901234567890', SHA256: '12345678901234567890123456789012', SHA512: '1234567890123456789012345678901234567890123456789012345678901234' };
const vectors: [number, string, string, string][] = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

test('otpauth reproduces the RFC 6238 Appendix B vectors', () => {
  for (const [time, sha1, sha256, sha512] of vectors) {
    for (const [algorithm, expected] of [['SHA1', sha1], ['SHA256', sha256], ['SHA512', sha512]] as const) {
      const totp = new OTPAuth.TOTP({ algorithm, digits: 8, period: 30, secret: OTPAuth.Secret.fromLatin1(seeds[algorithm]) });
      assert.equal(totp.generate({ timestamp: time * 1000 }), expected, `${algorithm} at ${time}`);
    }
  }
});

test('the URI: issuer and label escaped, SHA1, 6 digits, 30 s', () => {
  const secret = newTotpSecret();
  assert.match(secret, /^[A-Z2-7]{32}$/, '160 bits of base32');
  const uri = new URL(otpauthUri(secret, 'Acme: Desks & Co', 'ada+x@acme.example'));
  assert.equal(uri.protocol, 'otpauth:');
  assert.equal(uri.host, 'totp');
  assert.equal(decodeURIComponent(uri.pathname.slice(1)), 'Acme: Desks & Co:ada+x@acme.example');
  assert.ok(uri.pathname.includes('Acme%3A%20Desks%20%26%20Co:'), 'the issuer part of the label is escaped');
  assert.equal(uri.searchParams.get('issuer'), 'Acme: Desks & Co');
  assert.equal(uri.searchParams.get('algorithm'), 'SHA1');
  assert.equal(uri.searchParams.get('digits'), '6');
  assert.equal(uri.searchParams.get('period'), '30');
  assert.equal(uri.searchParams.get('secret'), secret);
});

test('codes: six ASCII digits after stripping spaces; anything else is refused before otpauth', () => {
  assert.equal(normalizeTotpCode(' 123 456 '), '123456');
  for (const bad of ['١٢٣٤٥٦', '１２３４５６', '1234567', '12345', '', 'abcdef', '12345x']) assert.equal(normalizeTotpCode(bad), null, bad);
});

test('a code matches its own step and one step either side, no further', () => {
  const secret = newTotpSecret();
  const now = 1_700_000_000_000;
  const step = Math.floor(now / 30_000);
  const at = (s: number) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp: s * 30_000 });
  assert.equal(matchingStep(secret, at(step), now), step);
  assert.equal(matchingStep(secret, at(step - 1), now), step - 1);
  assert.equal(matchingStep(secret, at(step + 1), now), step + 1);
  assert.equal(matchingStep(secret, at(step - 2), now), null);
  assert.equal(groupedKey('ABCDEFGHIJ'), 'ABCD EFGH IJ');
  assert.equal(spokenKey('ABCDEFGHIJ'), 'A B C D, E F G H, I J');
});

test('clockDrift: how many steps away a failed code was right, from 2 to DRIFT_STEPS either way, after the last accepted step', () => {
  const secret = newTotpSecret();
  const now = 1_700_000_000_000;
  const at = (steps: number) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp: now + steps * 30_000 });
  for (const steps of [2, 10, DRIFT_STEPS, -2, -10, -DRIFT_STEPS]) assert.equal(clockDrift(secret, at(steps), null, now), steps, `${steps} steps`);
  for (const steps of [0, 1, -1]) assert.equal(clockDrift(secret, at(steps), null, now), null, 'within the accepted window it is no clock matter');
  for (const steps of [DRIFT_STEPS + 1, -(DRIFT_STEPS + 1), 30, -30]) assert.equal(clockDrift(secret, at(steps), null, now), null, `${steps} steps: too far to say`);
  const step = Math.floor(now / 30_000);
  assert.equal(clockDrift(secret, at(-10), step - 10, now), null, 'the last accepted step itself: a replay');
  assert.equal(clockDrift(secret, at(-10), step - 11, now), -10, 'a step after the last accepted one');
  for (const junk of ['', '12345', 'abcdef', '１２３４５６']) assert.equal(clockDrift(secret, junk, null, now), null);
});
