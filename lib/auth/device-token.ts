import 'server-only';
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { secrets } from '@/lib/secrets';

/** What a device cookie says: this browser once passed the password step as this user. */
export interface DeviceToken {
  userId: number;
  nonce: string;
}

let cachedKey: Buffer | undefined;

/** A key of its own for device cookies, derived from AUTH_SECRET: a new secret only makes every browser unknown again. */
function deviceKey(): Buffer {
  cachedKey ??= Buffer.from(hkdfSync('sha256', secrets().authSecret, Buffer.alloc(0), 'deskgate device cookie v1', 32));
  return cachedKey;
}

function mac(userId: number, nonce: string, key: Buffer): Buffer {
  return createHmac('sha256', key).update(`device.${userId}.${nonce}`).digest();
}

/** `<user id>.<random nonce>.<HMAC of both>`: bound to the user, unforgeable without the server's key. */
export function signDeviceToken(userId: number, key = deviceKey()): string {
  const nonce = randomBytes(16).toString('base64url');
  return `${userId}.${nonce}.${mac(userId, nonce, key).toString('base64url')}`;
}

/** The token's user and nonce, or null when it is malformed or its signature does not match. */
export function readDeviceToken(value: string | undefined, key = deviceKey()): DeviceToken | null {
  const match = /^([1-9][0-9]{0,15})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(value ?? '');
  if (!match) return null;
  const userId = Number(match[1]);
  const nonce = match[2]!;
  const given = Buffer.from(match[3]!, 'base64url');
  return timingSafeEqual(given, mac(userId, nonce, key)) ? { userId, nonce } : null;
}
