import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { request as playwrightRequest, type APIRequestContext } from '@playwright/test';
import { expect, TestOrg, test, totp } from './fixtures';
import { liveSessions } from './support/db';
import { baseURL, e2eDir } from './support/env';
import { actionFields, postForm } from './support/forms';
import { startExtraServer } from './support/server';

// Plain HTTP, run once. Two app processes on one database: the real browser's server stands still
// for a moment after every commit, so the gap between "the code verified" and "the session was
// made" is wide open to an attacker looping against the other process.

const SESSION_COOKIE = /authjs\.session-token=[^;]/;

/** The attacker's move: the copied challenge token posted to Auth.js's credentials callback. */
async function redeemCopiedChallenge(attacker: APIRequestContext, token: string): Promise<boolean> {
  const { csrfToken } = (await (await attacker.get('/api/auth/csrf')).json()) as { csrfToken: string };
  const response = await attacker.post('/api/auth/callback/credentials', { form: { csrfToken, challenge: token }, maxRedirects: 0 });
  return SESSION_COOKIE.test(response.headers()['set-cookie'] ?? '');
}

test('the challenge cookie copied at the password step never yields a session, even while the real browser finishes', async ({ org }) => {
  test.setTimeout(120_000);
  const user = await org.userWith2fa();
  const paused = await startExtraServer(3380 + test.info().workerIndex, { DESKGATE_COMMIT_PAUSE_MS: '400' }, {
    log: path.join(e2eDir, `extra-server-challenge-${test.info().workerIndex}.log`),
    nodeOptions: `--import ${pathToFileURL(path.resolve('e2e/support/commit-pause.mjs')).href}`,
  });
  const browser = await playwrightRequest.newContext({ baseURL: paused.baseURL });
  const attacker = await playwrightRequest.newContext({ baseURL });
  try {
    const login = await postForm(browser, paused.baseURL, '/login', 'email', { email: user.email, password: user.password });
    expect(login.headers()['location'] ?? '').toContain('/login/verify');
    const copied = (await browser.storageState()).cookies.find((c) => c.name === 'deskgate-challenge')!.value;

    let finished = false;
    let tries = 0;
    let stolen = 0;
    const loop = (async () => {
      while (!finished) {
        tries += 1;
        if (await redeemCopiedChallenge(attacker, copied)) stolen += 1;
      }
    })();
    const verified = await postForm(browser, paused.baseURL, '/login/verify', 'code', { method: 'code', code: totp(user.secret) });
    finished = true;
    await loop;
    // One more try once everything is committed: the token is dead for good.
    if (await redeemCopiedChallenge(attacker, copied)) stolen += 1;

    expect(verified.status()).toBe(303);
    expect(verified.headers()['set-cookie'] ?? '', 'the real browser is signed in').toMatch(SESSION_COOKIE);
    expect(stolen, `the attacker's ${tries} tries`).toBe(0);
    expect(tries, 'the loop ran while the browser finished').toBeGreaterThan(3);
    expect(await liveSessions(user.id)).toBe(1);
  } finally {
    await Promise.all([browser.dispose(), attacker.dispose()]);
    await paused.stop();
  }
});

test("a code submitted twice from one browser: one sign-in, and the second submission does not end it", async ({ org }) => {
  const user = await org.userWith2fa();
  const browser = await playwrightRequest.newContext({ baseURL });
  try {
    await postForm(browser, baseURL, '/login', 'email', { email: user.email, password: user.password });
    const code = totp(user.secret);
    const [first, second] = await Promise.all([0, 1].map(() => postForm(browser, baseURL, '/login/verify', 'code', { method: 'code', code })));
    const responses = [first!, second!];
    expect(responses.every((r) => r.status() < 500)).toBe(true);
    const winners = responses.filter((r) => SESSION_COOKIE.test(r.headers()['set-cookie'] ?? ''));
    expect(winners).toHaveLength(1);
    // The other one is told the sign-in moved on, never "too many codes", and ended nothing.
    const loser = responses.find((r) => !winners.includes(r))!;
    expect(loser.headers()['location'] ?? (await loser.text())).not.toContain('too-many');
    expect(await liveSessions(user.id)).toBe(1);
    const home = await browser.get('/', { maxRedirects: 0 });
    expect(home.status(), 'the browser is signed in').toBe(200);
  } finally {
    await browser.dispose();
  }
});

test('forced setup: a challenge cookie copied at the password step cannot continue into a session once the browser confirmed', async () => {
  const user = await (await TestOrg.create('required')).user();
  const browser = await playwrightRequest.newContext({ baseURL });
  const attacker = await playwrightRequest.newContext({ baseURL });
  try {
    const login = await postForm(browser, baseURL, '/login', 'email', { email: user.email, password: user.password });
    expect(login.headers()['location'] ?? '').toContain('/login/setup-2fa');
    const copied = (await browser.storageState()).cookies.find((c) => c.name === 'deskgate-challenge')!;
    const page = await (await browser.get('/login/setup-2fa')).text();
    const key = /data-testid="setup-key"[^>]*>([^<]+)</.exec(page)![1]!.replace(/\s+/g, '');
    const confirmed = await browser.post('/login/setup-2fa', { multipart: { ...actionFields(page, 'code'), code: totp(key) }, headers: { Origin: baseURL }, maxRedirects: 0 });
    expect(await confirmed.text()).toContain('recovery-codes');
    const after = (await browser.storageState()).cookies.find((c) => c.name === 'deskgate-challenge')!;
    expect(after.value, 'the confirming response gave the browser a new challenge cookie').not.toBe(copied.value);

    // The copy posts "Continue" with the browser's form: nothing, and the browser's sign-in goes on.
    const continueForm = actionFields(await confirmed.text(), 'saved');
    const stolen = await attacker.post('/login/setup-2fa', { multipart: { ...continueForm, saved: 'yes' }, headers: { Origin: baseURL, Cookie: `deskgate-challenge=${copied.value}` }, maxRedirects: 0 });
    expect(stolen.headers()['set-cookie'] ?? '').not.toMatch(SESSION_COOKIE);
    expect(stolen.headers()['location'] ?? '', 'the copy names no challenge any more').toContain('notice=expired');
    expect(await liveSessions(user.id)).toBe(0);
    const finished = await browser.post('/login/setup-2fa', { multipart: { ...continueForm, saved: 'yes' }, headers: { Origin: baseURL }, maxRedirects: 0 });
    expect(finished.headers()['set-cookie'] ?? '').toMatch(SESSION_COOKIE);
    expect(await liveSessions(user.id)).toBe(1);
  } finally {
    await Promise.all([browser.dispose(), attacker.dispose()]);
  }
});
