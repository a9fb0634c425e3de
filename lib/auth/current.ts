import 'server-only';
import { cache } from 'react';
import { cookies, headers } from 'next/headers';
import { decode } from 'next-auth/jwt';
import { isHttps } from '@/lib/request';
import { secrets } from '@/lib/secrets';
import { notFound, redirect } from 'next/navigation';
import { loadSession, type CurrentSession } from './session';

// The cookie Auth.js sets: with the __Secure- prefix over HTTPS.
const SESSION_COOKIES = ['__Secure-authjs.session-token', 'authjs.session-token'];

/**
 * The signed-in session for this request (read once per request), or null. It decrypts Auth.js's
 * cookie directly instead of running the whole auth() handler on every page: the token only
 * carries the session id, and the session row decides everything else.
 */
export const currentSession = cache(async (): Promise<CurrentSession | null> => {
  const jar = await cookies();
  // Over HTTPS only the __Secure- cookie counts: a plain one could have been planted by a sibling host.
  for (const name of (await isHttps()) ? SESSION_COOKIES.slice(0, 1) : SESSION_COOKIES) {
    const value = jar.get(name)?.value;
    if (!value) continue;
    const token = await decode({ token: value, secret: secrets().authSecret, salt: name }).catch(() => null);
    if (typeof token?.sub === 'string') return await loadSession(token.sub);
  }
  return null;
});

/** For pages: the session, or a redirect to /login that comes back here afterwards. */
export async function requireSession(): Promise<CurrentSession> {
  const current = await currentSession();
  if (!current) {
    const here = (await headers()).get('x-deskgate-url') ?? '/';
    redirect(`/login?callbackUrl=${encodeURIComponent(here)}`);
  }
  return current;
}

/** For admin pages: a 404 for anyone but an admin (of their own organization, by construction). */
export async function requireAdmin(): Promise<CurrentSession> {
  const current = await requireSession();
  if (current.user.role !== 'admin') notFound();
  return current;
}
