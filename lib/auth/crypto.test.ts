// Store-independent (pure functions): the PostgreSQL unit run skips it (package.json test:unit:pg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { codeDigest, decryptForUser, encryptForUser } from './crypto';
import { newRecoveryCode, newRecoveryCodes, normalizeRecoveryCode } from './recovery-codes';

test('encryption round trip; another user id (AAD), key or a flipped bit fails', () => {
  const key = randomBytes(32);
  const sealed = encryptForUser('JBSWY3DPEHPK3PXP', 7, key);
  assert.equal(decryptForUser(sealed, 7, key), 'JBSWY3DPEHPK3PXP');
  assert.notEqual(encryptForUser('JBSWY3DPEHPK3PXP', 7, key), sealed, 'a fresh IV each time');
  assert.ok(!sealed.includes('JBSWY3DPEHPK3PXP'));
  assert.throws(() => decryptForUser(sealed, 8, key));
  assert.throws(() => decryptForUser(sealed, 7, randomBytes(32)));
  const parts = sealed.split('.');
  const body = Buffer.from(parts[2]!, 'base64url');
  body[0]! ^= 1;
  parts[2] = body.toString('base64url');
  assert.throws(() => decryptForUser(parts.join('.'), 7, key));
  assert.throws(() => decryptForUser('garbage', 7, key));
});

test('recovery codes: ten, XXXX-XXXX-XXXX-XXXX, 80 bits, distinct', () => {
  const codes = newRecoveryCodes();
  assert.equal(codes.length, 10);
  for (const code of codes) assert.match(code, /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
  // 16 symbols from a 32-symbol alphabet: log2(32^16) = 80 bits ≥ 64.
  assert.ok(16 * Math.log2(32) >= 64);
  const many = new Set(Array.from({ length: 5000 }, newRecoveryCode));
  assert.equal(many.size, 5000);
  // Every symbol shows up, roughly evenly: the generator is not biased toward a subset.
  const counts = new Map<string, number>();
  for (const c of many) for (const ch of c.replace(/-/g, '')) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  assert.equal(counts.size, 32);
  for (const n of counts.values()) assert.ok(n > 2000 && n < 3000, `symbol count ${n}`);
});

test('recovery codes are typed forgivingly and hashed under the key', () => {
  const code = 'ABCD-EF01-2345-6789';
  assert.equal(normalizeRecoveryCode(' abcd ef01-2345 6789 '), 'ABCDEF0123456789');
  assert.equal(normalizeRecoveryCode('ABCD-EFOI-2345-6789'), 'ABCDEF0123456789', 'O and I read as 0 and 1');
  assert.equal(normalizeRecoveryCode('ABCD-EF01-2345'), null);
  assert.equal(normalizeRecoveryCode('ÀBCD-EF01-2345-6789'), null);
  const key = randomBytes(32);
  assert.equal(codeDigest(normalizeRecoveryCode(code)!, key), codeDigest('ABCDEF0123456789', key));
  assert.notEqual(codeDigest('ABCDEF0123456789', key), codeDigest('ABCDEF0123456789', randomBytes(32)));
});
