import 'server-only';
import { cache } from 'react';
import { headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { auth } from './auth';
import { loadSession, type CurrentSession } from './session';

/** The signed-in session for this request (read once per request), or null. */
export const currentSession = cache(async (): Promise<CurrentSession | null> => {
  const session = (await auth()) as { sessionId?: unknown } | null;
  return typeof session?.sessionId === 'string' ? loadSession(session.sessionId) : null;
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
