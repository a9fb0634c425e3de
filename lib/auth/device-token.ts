import 'server-only';
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { secrets } from '@/lib/secrets';

/** What a device cookie claims: this browser once passed the password step as this user. */
export interface DeviceToken {
  userId: number;
  nonce: string;
  mac: Buffer;
}

let cachedKey: Buffer | undefined;

/** A key of its own for device cookies, derived from AUTH_SECRET: a new secret only makes every browser unknown again. */
function deviceKey(): Buffer {
  cachedKey ??= Buffer.from(hkdfSync('sha256', secrets().authSecret, Buffer.alloc(0), 'deskgate device cookie v1', 32));
  return cachedKey;
}

// The password hash is signed in too: a password change retires every device cookie issued before it,
// so cookies collected while an old password was known buy no guesses at the new one.
function mac(userId: number, nonce: string, passwordHash: string, key: Buffer): Buffer {
  return createHmac('sha256', key).update(`device.${userId}.${nonce}.${passwordHash}`).digest();
}

/** `<user id>.<random nonce>.<HMAC>`: bound to the user and their current password, unforgeable without the server's key. */
export function signDeviceToken(userId: number, passwordHash: string, key = deviceKey()): string {
  const nonce = randomBytes(16).toString('base64url');
  return `${userId}.${nonce}.${mac(userId, nonce, passwordHash, key).toString('base64url')}`;
}

/** The token's parts, or null when it is malformed; its signature is checked by `deviceTokenHolds`. */
export function readDeviceToken(value: string | undefined): DeviceToken | null {
  const match = /^([1-9][0-9]{0,15})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(value ?? '');
  return match ? { userId: Number(match[1]), nonce: match[2]!, mac: Buffer.from(match[3]!, 'base64url') } : null;
}

/** Whether the token was signed by this server for this user and their current password hash. */
export function deviceTokenHolds(token: DeviceToken, passwordHash: string | null, key = deviceKey()): boolean {
  return passwordHash !== null && timingSafeEqual(token.mac, mac(token.userId, token.nonce, passwordHash, key));
}
