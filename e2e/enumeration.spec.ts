import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { request as playwrightRequest } from '@playwright/test';
import { expect, TestOrg, test } from './fixtures';
import { actionFields } from './support/forms';
import { startExtraServer } from './support/server';

// Plain HTTP, run once and last, alone (the `timing` project). A server whose email throttle locks after 3
// failures, so one account can be locked while the others are each tried once. A locked attempt hashes
// nothing and answers after a fixed delay, so it is quicker or slower than a checked one: what that
// tells is that this email was tried too often, never whether it has an account — the lock is keyed by
// the submitted email, and a locked unknown email answers exactly like a locked account.
test('unknown email, wrong password and SSO-only accounts answer the same, in the same time; locked emails the same, after the same delay, known or not', async () => {
  test.setTimeout(180_000);
  const server = await startExtraServer(3360 + test.info().workerIndex, { DESKGATE_LOGIN_EMAIL_FAILURES: '3' });
  const request = await playwrightRequest.newContext({ baseURL: server.baseURL });
  try {
    const tries = 30;
    const org = await TestOrg.create('optional');
    const passwordUsers = await Promise.all(Array.from({ length: tries }, () => org.user()));
    const ssoUsers = await Promise.all(Array.from({ length: tries }, () => org.user({ method: 'sso' })));
    const locked = await org.user();
    const lockedUnknown = `nobody-${randomBytes(4).toString('hex')}@nowhere.example`;
    const fields = actionFields(await (await request.get('/login')).text(), 'email');
    const attempt = async (email: string, password: string) => {
      const started = performance.now();
      const response = await request.post('/login', { multipart: { ...fields, email, password }, headers: { Origin: server.baseURL }, maxRedirects: 0 });
      const html = await response.text();
      return { ms: performance.now() - started, status: response.status(), message: /<p role="alert"[^>]*>([^<]*)<\/p>/.exec(html)?.[1] };
    };
    for (let i = 0; i < 4; i++) await attempt(locked.email, `wrong-${i}`);
    for (let i = 0; i < 4; i++) await attempt(lockedUnknown, `wrong-${i}`);

    type Attempt = () => ReturnType<typeof attempt>;
    const cases: Record<string, Attempt[]> = {
      'unknown email': Array.from({ length: tries }, () => () => attempt(`nobody-${randomBytes(4).toString('hex')}@nowhere.example`, 'some-password')),
      'wrong password': passwordUsers.map((u) => () => attempt(u.email, 'not-the-password')),
      'SSO-only account': ssoUsers.map((u) => () => attempt(u.email, 'some-password')),
      'locked account': Array.from({ length: tries }, () => () => attempt(locked.email, locked.password)),
      'locked unknown email': Array.from({ length: tries }, () => () => attempt(lockedUnknown, 'some-password')),
    };
    const medians: Record<string, number> = {};
    const messages = new Set<string | undefined>();
    const statuses = new Set<number>();
    // Round-robin, one try of each kind per round: whatever else the machine does affects all alike.
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
    for (let round = 0; round < tries; round++) {
      for (const [name, runs] of Object.entries(cases)) {
        const result = await runs[round]!();
        times[name]!.push(result.ms);
        messages.add(result.message);
        statuses.add(result.status);
      }
    }
    for (const [name, list] of Object.entries(times)) medians[name] = list.sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
    expect([...statuses]).toEqual([200]);
    expect([...messages]).toHaveLength(1);
    expect([...messages][0]).toContain('match an account that can sign in here');
    const within20Percent = (names: string[]) => {
      const values = names.map((name) => medians[name]!);
      expect(Math.max(...values) / Math.min(...values), JSON.stringify(medians)).toBeLessThanOrEqual(1.2);
    };
    within20Percent(['unknown email', 'wrong password', 'SSO-only account']);
    within20Percent(['locked account', 'locked unknown email']);
    // The fixed delay (DESKGATE_LOGIN_LOCKED_DELAY_MS, 300 ms by default), not a hash.
    expect(Math.min(...times['locked account']!, ...times['locked unknown email']!)).toBeGreaterThanOrEqual(295);
  } finally {
    await request.dispose();
    await server.stop();
  }
});

// The forgot-password page does its work (lookup, link, mail) after the answer: a known address,
// an unknown one and an SSO account's get the same page, status and time.
test('forgot password: known, unknown and SSO addresses get the same answer, and a known one is no slower', async () => {
  test.setTimeout(180_000);
  const server = await startExtraServer(3360 + test.info().workerIndex, {});
  const request = await playwrightRequest.newContext({ baseURL: server.baseURL });
  try {
    const tries = 30;
    const org = await TestOrg.create('optional');
    const passwordUsers = await Promise.all(Array.from({ length: tries }, () => org.user()));
    const ssoUsers = await Promise.all(Array.from({ length: tries }, () => org.user({ method: 'sso' })));
    const fields = actionFields(await (await request.get('/login/forgot-password')).text(), 'email');
    const ask = async (email: string) => {
      const started = performance.now();
      const response = await request.post('/login/forgot-password', { multipart: { ...fields, email }, headers: { Origin: server.baseURL }, maxRedirects: 0 });
      const html = await response.text();
      return { ms: performance.now() - started, status: response.status(), message: /<p role="status"[^>]*>([^<]*)<\/p>/.exec(html)?.[1] };
    };
    // Warm the page's path once.
    await ask(`warm-${randomBytes(4).toString('hex')}@nowhere.example`);
    const cases: Record<string, (() => ReturnType<typeof ask>)[]> = {
      'known address': passwordUsers.map((u) => () => ask(u.email)),
      'unknown address': Array.from({ length: tries }, () => () => ask(`nobody-${randomBytes(4).toString('hex')}@nowhere.example`)),
      'SSO account': ssoUsers.map((u) => () => ask(u.email)),
    };
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
    const messages = new Set<string | undefined>();
    const statuses = new Set<number>();
    for (let round = 0; round < tries; round++) {
      // A known address's work runs after its answer, and then its mail is sent: a pause lets that
      // finish, and a shuffled order keeps it from landing on the same kind of request each round.
      for (const [name, runs] of Object.entries(cases).sort(() => Math.random() - 0.5)) {
        await sleep(200);
        const result = await runs[round]!();
        times[name]!.push(result.ms);
        messages.add(result.message);
        statuses.add(result.status);
      }
    }
    expect([...statuses]).toEqual([200]);
    expect([...messages]).toHaveLength(1);
    expect([...messages][0]).toContain('If an account with that address can sign in with a password');
    const medians = Object.fromEntries(Object.entries(times).map(([name, list]) => [name, list.sort((a, b) => a - b)[Math.floor(list.length / 2)]!]));
    // What would tell a known address: its answer slower than the others' (work done before the answer),
    // or theirs quicker (a write skipped). Under load the others' medians wander above it (another
    // instance sending the known addresses' mails): that tells nothing about the address asked for.
    for (const other of ['unknown address', 'SSO account']) {
      expect(medians['known address']! / medians[other]!, JSON.stringify(medians)).toBeLessThanOrEqual(1.2);
    }
  } finally {
    await request.dispose();
    await server.stop();
  }
});
