// Store-independent (pure functions): the PostgreSQL unit run skips it (package.json test:unit:pg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressKey } from './address-key';

test('per-address limits count an IPv6 client by its /64 and an IPv4-mapped one as IPv4', () => {
  assert.equal(addressKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
  assert.equal(addressKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64', 'the whole /64 is one key');
  assert.notEqual(addressKey('2001:db8:1:3::1'), addressKey('2001:db8:1:2::1'), 'the next /64 is another');
  assert.equal(addressKey('::ffff:203.0.113.7'), '203.0.113.7');
  assert.equal(addressKey('203.0.113.7'), '203.0.113.7');
  assert.equal(addressKey('::1'), '0:0:0:0::/64');
  assert.equal(addressKey('unknown'), 'unknown', 'no address (next start): one shared key, as before');
});
