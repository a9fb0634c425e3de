import 'server-only';
import { cookies, headers } from 'next/headers';
import { isHttps } from '@/lib/request';

/**
 * The "Trust this browser" cookie (trusted-browsers.ts): HttpOnly, SameSite=Lax, Secure and
 * `__Host-` under HTTPS, for the whole site, kept until the trust's fixed expiry. Not the throttle's
 * device cookie (device-cookie.ts), which says only "this browser passed a password step once".
 */
const COOKIE = 'deskgate-trust';

async function cookieName(): Promise<string> {
  return (await isHttps()) ? `__Host-${COOKIE}` : COOKIE;
}

/** The trust token this browser holds, or null. */
export async function currentTrustToken(): Promise<string | null> {
  const value = (await cookies()).get(await cookieName())?.value;
  return value && value.length <= 100 ? value : null;
}

export async function setTrustCookie(token: string, expiresAt: number, now = Date.now()): Promise<void> {
  (await cookies()).set(await cookieName(), token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: await isHttps(),
    path: '/',
    maxAge: Math.max(1, Math.floor((expiresAt - now) / 1000)),
  });
}

export async function clearTrustCookie(): Promise<void> {
  (await cookies()).delete(await cookieName());
}

/** What the trusted browser row records of where it was trusted from (the Devices tab shows it). */
export async function requestUserAgent(): Promise<string | null> {
  return (await headers()).get('user-agent');
}
