import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext } from '@playwright/test';
import { encode } from 'next-auth/jwt';
import { writeTransaction } from '@/db';
import { createSession } from '@/lib/auth/session';
import { trustBrowser } from '@/lib/auth/trusted-browsers';
import { userRow } from './db';
import { baseURL, e2eDir } from './env';

/**
 * A new session row for the user and the cookie Auth.js would set for it (name and value).
 * `secondFactorAt`: when the session verified a second factor (a sign-in with a code sets it to now); null when it never did.
 */
export async function newSessionCookie(userId: number, method: 'password' | 'sso', secondFactorAt: number | null = null) {
  const sessionId = await writeTransaction(async (tx) => createSession(tx, userId, method, secondFactorAt));
  // PostgreSQL runs: the key is in the environment (e2e/support/env.ts); SQLite: in the file beside the database.
  const secret = process.env.AUTH_SECRET ?? readFileSync(path.join(e2eDir, 'auth-secret'), 'utf8').trim();
  const name = 'authjs.session-token';
  return { name, value: await encode({ token: { sub: sessionId }, secret, salt: name }), sessionId };
}

/**
 * Signs a user in without the UI, as a finished sign-in would: a session row and the cookie
 * Auth.js would set. For SSO users until a test drives the IdP, and for setting up state quickly.
 * `{ secondFactor: true }`: as a sign-in that has just verified a code (a fresh second factor, so
 * a step-up asks for the password alone), which `loginPage.signInWithCode` would otherwise walk.
 */
export async function signInDirectly(context: BrowserContext, userId: number, method: 'password' | 'sso', options: { secondFactor?: boolean } = {}) {
  const { name, value } = await newSessionCookie(userId, method, options.secondFactor ? Date.now() : null);
  await context.addCookies([{ name, value, url: baseURL, httpOnly: true, sameSite: 'Lax' }]);
}

/**
 * Trusts a browser without the UI, as a second step with "Trust this browser" ticked would: the
 * row and its audit event through the app's own trustBrowser (the organization's days, the user's
 * current credentials version), and the cookie the server would set (trust-cookie.ts: HttpOnly,
 * Lax, the whole site, kept to the fixed expiry; plain `deskgate-trust`, the tests run over HTTP).
 * For tests about what ends or uses a trust; trusted-browsers.spec.ts walks the UI that makes one.
 */
export async function trustDirectly(context: BrowserContext, user: { id: number }, base = baseURL) {
  const { orgId, credentialsVersion } = await userRow(user.id);
  const trusted = await writeTransaction((tx) => trustBrowser(tx, { id: user.id, orgId, credentialsVersion }, { userAgent: null, clientAddress: null, ip: null }));
  if (!trusted) throw new Error(`the organization of user ${user.id} does not allow trusted browsers`);
  await context.addCookies([{ name: 'deskgate-trust', value: trusted.token, url: base, httpOnly: true, sameSite: 'Lax', expires: Math.floor(trusted.expiresAt / 1000) }]);
  return trusted;
}
