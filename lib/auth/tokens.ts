import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, URL-safe: session ids and challenge tokens. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keeps of a token, so a leaked row cannot be replayed as a cookie. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
