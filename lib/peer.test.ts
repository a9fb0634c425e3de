// Store-independent (pure functions): the PostgreSQL unit run skips it (package.json test:unit:pg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { peerMac, verifiedPeer } from './peer';

test("the client address is believed only with the server's MAC over exactly that address", () => {
  const key = randomBytes(32);
  const address = '192.0.2.7';
  assert.equal(verifiedPeer(address, peerMac(key, address), key), address);
  assert.equal(verifiedPeer('203.0.113.9', peerMac(key, address), key), null, "another address with this one's MAC");
  assert.equal(verifiedPeer(address, peerMac(randomBytes(32), address), key), null, 'a MAC under another key');
  assert.equal(verifiedPeer(address, peerMac(key, address).slice(1), key), null, 'a truncated MAC');
  assert.equal(verifiedPeer(address, 'forged', key), null);
  assert.equal(verifiedPeer(address, null, key), null, 'no MAC');
  assert.equal(verifiedPeer(null, peerMac(key, address), key), null, 'no address');
  // `next start` / `next dev`: lib/ops/server.mjs is not there, so no key and nothing is believed.
  assert.equal(verifiedPeer(address, peerMac(key, address), undefined), null);
});
