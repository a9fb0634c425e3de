// Store-independent (the proxy's redirect only, no database): the PostgreSQL unit run skips it (package.json test:unit:pg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NextRequest } from 'next/server';
import { linkCookieName, MAILED_LINKS, mailedLinkRedirect } from './link-cookie';
import { newToken } from './tokens';

const get = (url: string, init: { method?: string; headers?: Record<string, string> } = {}) => new NextRequest(new URL(url), init);

test('a mailed link with a token: 303 to the clean path, the token in an HttpOnly cookie scoped to it, no Referer', () => {
  const token = newToken();
  const response = mailedLinkRedirect(get(`http://localhost:3000/login/reset-password?token=${token}`))!;
  assert.equal(response.status, 303);
  assert.equal(new URL(response.headers.get('location')!).pathname, '/login/reset-password');
  assert.equal(new URL(response.headers.get('location')!).search, '', 'the token leaves the URL');
  assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(response.headers.get('cache-control'), 'no-store');
  const cookie = response.headers.get('set-cookie')!;
  assert.match(cookie, new RegExp(`^deskgate-reset=${token};`));
  assert.match(cookie, /Path=\/login\/reset-password/);
  assert.match(cookie, /HttpOnly/i);
  assert.match(cookie, /SameSite=lax/i);
  assert.match(cookie, /Max-Age=1800/);
  assert.doesNotMatch(cookie, /Secure/, 'plain http: a Secure cookie would be dropped');
});

test('over https the cookie is Secure and __Secure- prefixed; each link has its own cookie and lifetime', () => {
  const token = newToken();
  const response = mailedLinkRedirect(get(`http://localhost:3000/invitation?token=${token}`, { headers: { 'x-forwarded-proto': 'https' } }))!;
  const cookie = response.headers.get('set-cookie')!;
  assert.match(cookie, new RegExp(`^__Secure-deskgate-invitation=${token};`));
  assert.match(cookie, /Path=\/invitation/);
  assert.match(cookie, /Secure/);
  assert.match(cookie, /Max-Age=3600/);
  assert.equal(linkCookieName(MAILED_LINKS[1]!, true), '__Secure-deskgate-invitation');
});

test('a token of the wrong shape leaves the URL but sets no cookie', () => {
  for (const bad of ['', 'short', 'a'.repeat(44), `${'a'.repeat(42)};`, 'x'.repeat(5000)]) {
    const response = mailedLinkRedirect(get(`http://localhost:3000/login/reset-password?token=${encodeURIComponent(bad)}`))!;
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('set-cookie'), null, `no cookie for ${JSON.stringify(bad.slice(0, 10))}`);
  }
});

test('anything else passes through: other paths, no token, a POST, a longer path', () => {
  const token = newToken();
  assert.equal(mailedLinkRedirect(get('http://localhost:3000/login/reset-password')), null);
  assert.equal(mailedLinkRedirect(get(`http://localhost:3000/login?token=${token}`)), null);
  assert.equal(mailedLinkRedirect(get(`http://localhost:3000/login/reset-password/x?token=${token}`)), null);
  assert.equal(mailedLinkRedirect(get(`http://localhost:3000/login/reset-password?token=${token}`, { method: 'POST' })), null);
});
