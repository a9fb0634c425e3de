// Store-independent (pure functions): the PostgreSQL unit run skips it (package.json test:unit:pg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { currentPasswordField, emailField, newPasswordField, safeCallbackUrl } from './fields';

test('callback URLs: same-origin relative paths only', () => {
  assert.equal(safeCallbackUrl('/profile/2fa'), '/profile/2fa');
  assert.equal(safeCallbackUrl('/admin/users?q=a%20b'), '/admin/users?q=a%20b');
  for (const evil of ['//evil.example', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', '/%0d%0aLocation:x', ' /x', '/ok\n', undefined, 42, '/login', '/api/auth/signout']) {
    const result = safeCallbackUrl(evil);
    assert.ok(result === '/' || result === '/%0d%0aLocation:x', `${String(evil)} → ${result}`);
  }
  assert.equal(safeCallbackUrl('//evil.example'), '/');
});

test('passwords: 72 bytes accepted, 73 refused, multi-byte counted in bytes', () => {
  assert.ok(newPasswordField.safeParse('a'.repeat(72)).success);
  assert.ok(!newPasswordField.safeParse('a'.repeat(73)).success);
  assert.ok(!currentPasswordField.safeParse('é'.repeat(37)).success); // 74 bytes
  assert.ok(!newPasswordField.safeParse('short').success);
  assert.ok(!currentPasswordField.safeParse('').success);
});

test('emails are trimmed and lower-cased', () => {
  assert.equal(emailField.parse('  Ada@Example.COM '), 'ada@example.com');
  assert.ok(!emailField.safeParse('not-an-email').success);
  assert.ok(!emailField.safeParse(['a@b.c']).success);
});
