import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Where lib/ops/server.mjs keeps the key it signs the client address with: made at each start,
 * never written anywhere. Under `next start` or `next dev` there is no key, so nothing verifies.
 */
export const PEER_KEY = Symbol.for('deskgate.peer-key');

/** The MAC lib/ops/server.mjs sends beside the address (`x-deskgate-peer-mac`). */
export function peerMac(key: Buffer, address: string): string {
  return createHmac('sha256', key).update(address).digest('base64url');
}

/** The address when its MAC verifies under the server's key, otherwise null (a client's own header). */
export function verifiedPeer(address: string | null, mac: string | null, key: Buffer | undefined): string | null {
  if (!key || !address || !mac) return null;
  const expected = Buffer.from(peerMac(key, address));
  const given = Buffer.from(mac);
  return given.length === expected.length && timingSafeEqual(given, expected) ? address : null;
}
