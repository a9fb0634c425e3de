import { cookies, headers } from 'next/headers';
import { NextResponse, type NextRequest } from 'next/server';

/**
 * Links sent by mail carry their token in the URL, where it would stay: in the history, in a
 * Referer, in a proxy's log of the page's own requests. The proxy moves it at once into an
 * HttpOnly cookie scoped to the link's path and sends the browser to the clean path; the page and
 * its action read it from there.
 *
 * No `server-only` here: proxy.ts imports this file (it runs on Node, outside the React server layer).
 */
export type MailedLink = { path: string; cookie: string; maxAgeSeconds: number };

export const MAILED_LINKS: readonly MailedLink[] = [
  { path: '/login/reset-password', cookie: 'deskgate-reset', maxAgeSeconds: 1800 },
  { path: '/invitation', cookie: 'deskgate-invitation', maxAgeSeconds: 3600 },
];

// lib/auth/tokens.ts's newToken: 43 base64url characters. Anything else is no token of ours.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * `__Host-` needs Path=/, and these cookies are scoped to their page: over https they take the
 * `__Secure-` prefix instead (the browser refuses them without Secure, so nothing on http can plant one).
 */
export function linkCookieName(link: MailedLink, https: boolean): string {
  return https ? `__Secure-${link.cookie}` : link.cookie;
}

function mailedLink(path: string): MailedLink {
  const link = MAILED_LINKS.find((l) => l.path === path);
  if (!link) throw new Error(`No mailed link at ${path}`);
  return link;
}

/**
 * For the proxy: a GET of a mailed link's path with `?token=` answers 303 to the same path without
 * the query, setting the token's cookie; null for any other request. A token of the wrong shape
 * sets nothing (the page then says the link has expired) but is still taken out of the URL.
 */
export function mailedLinkRedirect(request: NextRequest): NextResponse | null {
  if (request.method !== 'GET') return null;
  const link = MAILED_LINKS.find((l) => l.path === request.nextUrl.pathname);
  if (!link || !request.nextUrl.searchParams.has('token')) return null;
  const token = request.nextUrl.searchParams.get('token') ?? '';
  const clean = request.nextUrl.clone();
  clean.search = '';
  const response = NextResponse.redirect(clean, 303);
  const https = request.headers.get('x-forwarded-proto') === 'https';
  if (TOKEN_SHAPE.test(token)) {
    response.cookies.set(linkCookieName(link, https), token, { httpOnly: true, sameSite: 'lax', secure: https, path: link.path, maxAge: link.maxAgeSeconds });
  }
  response.headers.set('Referrer-Policy', 'no-referrer');
  response.headers.set('Cache-Control', 'no-store');
  response.headers.set('X-Content-Type-Options', 'nosniff');
  return response;
}

async function isHttps(): Promise<boolean> {
  return (await headers()).get('x-forwarded-proto') === 'https';
}

/** The token the proxy put aside for the mailed link at `path` (a page or server action there), or null. */
export async function readLinkToken(path: string): Promise<string | null> {
  const link = mailedLink(path);
  const value = (await cookies()).get(linkCookieName(link, await isHttps()))?.value;
  return value && TOKEN_SHAPE.test(value) ? value : null;
}

/** Forgets the link's token in this browser (once used, or when the link turned out dead). Server actions only. */
export async function clearLinkToken(path: string): Promise<void> {
  const link = mailedLink(path);
  const https = await isHttps();
  (await cookies()).set(linkCookieName(link, https), '', { httpOnly: true, sameSite: 'lax', secure: https, path: link.path, maxAge: 0 });
}
