import { createHmac, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as playwrightRequest } from '@playwright/test';
import { and, eq } from 'drizzle-orm';
import { db } from '@/db';
import { auditEvents } from '@/db/schema';
import { expect, test, type TestUser } from './fixtures';
import { auditActions, liveSessions } from './support/db';
import { baseURL } from './support/env';
import { actionFields } from './support/forms';
import { startExtraServer } from './support/server';
import { newSessionCookie } from './support/sessions';

// Raw HTTP against Auth.js's endpoints and the client-address header: run once (see playwright.config.ts).

const TOO_LARGE = 'Refused: this request is larger than 64 kB, more than any sign-in form sends.\n';
const FORGED_PEER = '203.0.113.9';

/** A request context holding only this session cookie: the rightful browser, or whoever copied it. */
function holding(cookie: { name: string; value: string }, server = baseURL) {
  const cookies = [{ ...cookie, domain: new URL(server).hostname, path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' as const }];
  return playwrightRequest.newContext({ baseURL: server, storageState: { cookies, origins: [] } });
}

test("Auth.js's own POST /api/auth/signout ends the session row: a copied cookie opens nothing afterwards", async ({ org }) => {
  const user = await org.user();
  const cookie = await newSessionCookie(user.id, 'password');
  const browser = await holding(cookie);
  const copy = await holding(cookie);
  try {
    expect((await copy.get('/', { maxRedirects: 0 })).status(), 'the copy works while the session lives').toBe(200);
    // Without Auth.js's CSRF token the sign-out is refused, and the session stays.
    await browser.post('/api/auth/signout', { form: { callbackUrl: '/login' }, maxRedirects: 0 });
    expect(await liveSessions(user.id)).toBe(1);

    const { csrfToken } = (await (await browser.get('/api/auth/csrf')).json()) as { csrfToken: string };
    const signedOut = await browser.post('/api/auth/signout', { form: { csrfToken, callbackUrl: '/login' }, maxRedirects: 0 });
    expect(signedOut.status()).toBe(302);
    expect(signedOut.headers()['set-cookie']).toMatch(/authjs\.session-token=;/);
    expect(await liveSessions(user.id)).toBe(0);
    const stolen = await copy.get('/', { maxRedirects: 0 });
    expect(stolen.status()).toBe(307);
    expect(stolen.headers()['location']).toContain('/login');
    expect((await auditActions(user.id)).filter((a) => a === 'sign_out')).toHaveLength(1);
  } finally {
    await browser.dispose();
    await copy.dispose();
  }
});

/** What an attacker can send: the header, and a MAC under a key they made up. */
function forgedPeerHeaders() {
  return { 'x-deskgate-peer': FORGED_PEER, 'x-deskgate-peer-mac': createHmac('sha256', randomBytes(32)).update(FORGED_PEER).digest('base64url') };
}

/** Signs a user without 2FA in through the password form (as a no-JS browser) with forged address headers; returns the address recorded. */
async function recordedAddress(server: string, user: TestUser): Promise<string | null> {
  const context = await playwrightRequest.newContext({ baseURL: server });
  try {
    const fields = actionFields(await (await context.get('/login')).text(), 'email');
    const posted = await context.post('/login', { multipart: { ...fields, email: user.email, password: user.password }, headers: { Origin: server, ...forgedPeerHeaders() }, maxRedirects: 0 });
    expect(posted.status()).toBe(303);
  } finally {
    await context.dispose();
  }
  const events = await (await db()).select({ ip: auditEvents.ip }).from(auditEvents).where(and(eq(auditEvents.targetUserId, user.id), eq(auditEvents.action, 'sign_in')));
  expect(events).toHaveLength(1);
  return events[0]!.ip;
}

test('a forged client address (x-deskgate-peer with a made-up MAC) is never recorded, whatever serves the app', async ({ org }) => {
  // npm start: lib/ops/server.mjs replaces the header with the socket's peer.
  expect(await recordedAddress(baseURL, await org.user())).toMatch(/^(::1|(::ffff:)?127\.0\.0\.1)$/);
  // Plain `next start`: nothing can sign an address, so none is believed.
  const plain = await startExtraServer(3380 + test.info().parallelIndex, {}, { nextStart: true });
  try {
    expect(await recordedAddress(plain.baseURL, await org.user())).toBe('unknown');
  } finally {
    await plain.stop();
  }
});

/** A raw POST whose body has no Content-Length (chunked), which a browser never sends. */
function chunkedPost(server: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${server}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.write('csrfToken=x&');
    req.end('callbackUrl=%2F');
  });
}

/** `byServer`: lib/ops/server.mjs answers, and closes the connection rather than read the rest. */
async function expectBodiesBounded(server: string, byServer: boolean) {
  const context = await playwrightRequest.newContext({ baseURL: server });
  try {
    const { csrfToken } = (await (await context.get('/api/auth/csrf')).json()) as { csrfToken: string };
    const padding = 'x'.repeat(100 * 1024);
    for (const path of ['/api/auth/callback/credentials', '/api/auth/signout']) {
      const refused = await context.post(path, { form: { csrfToken, challenge: 'c', padding }, maxRedirects: 0 });
      expect(refused.status(), path).toBe(413);
      expect(await refused.text(), path).toBe(TOO_LARGE);
      if (byServer) expect(refused.headers()['connection'], path).toBe('close');
      // The same request at a normal size reaches Auth.js (which answers with a redirect).
      const normal = await context.post(path, { form: { csrfToken, challenge: 'c' }, maxRedirects: 0 });
      expect(normal.status(), path).toBe(302);
    }
    expect(await chunkedPost(server, '/api/auth/signout')).toBe(411);
  } finally {
    await context.dispose();
  }
}

test('a body over 64 kB to /api/auth/* gets a 413 with a plain sentence; one without a length a 411', async () => {
  await expectBodiesBounded(baseURL, true);
});

test('under plain `next start`, proxy.ts bounds the bodies to /api/auth/* too', async () => {
  const plain = await startExtraServer(3382 + test.info().parallelIndex, {}, { nextStart: true });
  try {
    await expectBodiesBounded(plain.baseURL, false);
  } finally {
    await plain.stop();
  }
});
