import { NextResponse, type NextRequest } from 'next/server';
import { mailedLinkRedirect } from '@/lib/auth/link-cookie';

/**
 * The SSO button is a form whose answer redirects to the identity provider; form-action covers
 * that redirect, so the IdP's origin is allowed (its authorization endpoint lives there).
 */
function ssoOrigin(): string {
  try {
    return process.env.OIDC_ISSUER ? ` ${new URL(process.env.OIDC_ISSUER).origin}` : '';
  } catch {
    return '';
  }
}

// lib/ops/server.mjs refuses these before anything reads them; this covers `next start` too.
const AUTH_BODY_LIMIT = 64 * 1024;

/** A body to /api/auth/* over the limit (413) or without a length (411), answered before Auth.js reads it. */
function oversizedAuthBody(request: NextRequest): Response | null {
  if (!request.nextUrl.pathname.startsWith('/api/auth')) return null;
  const length = request.headers.get('content-length');
  const status = length === null ? (request.headers.has('transfer-encoding') ? 411 : 0) : Number(length) > AUTH_BODY_LIMIT ? 413 : 0;
  if (!status) return null;
  const sentence = status === 413 ? 'Refused: this request is larger than 64 kB, more than any sign-in form sends.\n' : 'Refused: send this request with a Content-Length.\n';
  return new Response(sentence, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } });
}

/** Security headers on every response; a fresh CSP nonce for every page. */
export function proxy(request: NextRequest) {
  const refused = oversizedAuthBody(request);
  if (refused) return refused;
  // A mailed link's token leaves the URL before any page renders it (lib/auth/link-cookie.ts).
  const moved = mailedLinkRedirect(request);
  if (moved) return moved;
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString('base64');
  const dev = process.env.NODE_ENV === 'development';
  const csp = [
    "default-src 'self'",
    `script-src 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    `form-action 'self'${ssoOrigin()}`,
    "frame-ancestors 'none'",
  ].join('; ');

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', csp);
  // Pages read where they are, to send a signed-out visitor back after sign-in.
  requestHeaders.set('x-deskgate-url', request.nextUrl.pathname + request.nextUrl.search);
  const response = NextResponse.next({ request: { headers: requestHeaders } });

  const h = response.headers;
  h.set('Content-Security-Policy', csp);
  h.set('X-Content-Type-Options', 'nosniff');
  h.set('X-Frame-Options', 'DENY');
  h.set('Referrer-Policy', 'same-origin');
  h.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
  h.set('Cross-Origin-Opener-Policy', 'same-origin');
  h.set('Cross-Origin-Resource-Policy', 'same-origin');
  if (request.nextUrl.protocol === 'https:') h.set('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
  // Pages carry account data, codes or secrets: never store them.
  if (!request.nextUrl.pathname.startsWith('/_next/static')) h.set('Cache-Control', 'no-store');
  return response;
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
