import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext } from '@playwright/test';
import { encode } from 'next-auth/jwt';
import { writeTransaction } from '@/db';
import { createSession } from '@/lib/auth/session';
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
