// Store-independent (pure functions): the PostgreSQL unit run skips it (package.json test:unit:pg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { securityTxt } from './security-txt';

const now = new Date('2026-12-02T15:04:05.678Z');

test('with a contact: Contact, Expires 30 days from the start of the day (UTC), Preferred-Languages, Canonical under an https AUTH_URL', () => {
  assert.deepEqual(securityTxt({ contact: 'mailto:security@example.com', authUrl: 'https://deskgate.example.com/base', now }), {
    status: 200,
    body: 'Contact: mailto:security@example.com\nExpires: 2027-01-01T00:00:00Z\nPreferred-Languages: en\nCanonical: https://deskgate.example.com/.well-known/security.txt\n',
  });
  assert.equal(securityTxt({ contact: 'tel:+1-555-0100', now: new Date('2026-12-02T23:59:59Z') }).body, 'Contact: tel:+1-555-0100\nExpires: 2027-01-01T00:00:00Z\nPreferred-Languages: en\n', 'no AUTH_URL: no Canonical; same text all day');
  assert.doesNotMatch(securityTxt({ contact: 'https://example.com/report', authUrl: 'http://localhost:3000', now }).body, /Canonical/, 'a plain-http URL is no canonical place (RFC 9116: https)');
});

test('without a contact: 404, and the text says plainly that none was named and how the operator names one', () => {
  const file = securityTxt({ now });
  assert.equal(file.status, 404);
  assert.match(file.body, /^# This Deskgate deployment has named no security contact/);
  assert.match(file.body, /setting SECURITY_CONTACT/);
  assert.doesNotMatch(file.body, /^Contact:/m);
  assert.ok(file.body.split('\n').every((line) => line === '' || line.startsWith('#')), 'only comments: nothing a parser could take for a field');
});
