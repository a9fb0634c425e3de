import 'server-only';
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { secrets } from '@/lib/secrets';

const VERSION = 'v1';

/**
 * AES-256-GCM under the server's encryption key, bound to `context` as associated data: a ciphertext
 * copied into another row (another user's, another recipient's) no longer opens.
 */
export function encryptBound(plaintext: string, context: string, key = secrets().encryptionKey): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** Throws when the ciphertext was tampered with, moved to another context, or made under another key. */
export function decryptBound(ciphertext: string, context: string, key = secrets().encryptionKey): string {
  const [version, iv, body, tag] = ciphertext.split('.');
  if (version !== VERSION || !iv || !body || !tag) throw new Error('Unreadable ciphertext');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}

/** A user's secret (a TOTP secret), bound to the user id. */
export const encryptForUser = (plaintext: string, userId: number, key = secrets().encryptionKey) => encryptBound(plaintext, `user:${userId}`, key);

/** Throws when the ciphertext was tampered with, moved to another user, or made under another key. */
export const decryptForUser = (ciphertext: string, userId: number, key = secrets().encryptionKey) => decryptBound(ciphertext, `user:${userId}`, key);

/** HMAC-SHA-256 under the server's code key: how recovery codes are stored and looked up. */
export function codeDigest(normalizedCode: string, key = secrets().codeKey): string {
  return createHmac('sha256', key).update(normalizedCode).digest('hex');
}
