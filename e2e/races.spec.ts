import { request as playwrightRequest, type APIResponse } from '@playwright/test';
import { writeTransaction } from '@/db';
import { createChallenge, markChallengeReady } from '@/lib/auth/challenge';
import { expect, test, totp } from './fixtures';
import { liveSessions, userRow } from './support/db';
import { baseURL, instancePorts } from './support/env';
import { actionFields, postForm } from './support/forms';
import type { ExtraServer } from './support/server';

// Requests posted as a browser without JavaScript would, many at once; the config runs this file once.
// On PostgreSQL the balancer sends them to both instances in turn (it names the one in X-E2E-Instance).

/** The parallel submissions really were split over every instance behind the balancer. */
function expectBothInstances(responses: APIResponse[]) {
  if (instancePorts.length < 2) return;
  const instances = new Set(responses.map((r) => r.headers()['x-e2e-instance']));
  expect([...instances].sort(), 'the submissions reached every instance').toEqual(instancePorts.map((_, i) => String(i + 1)));
}

async function pendingVerifications(email: string, password: string, n: number) {
  const contexts = [];
  for (let i = 0; i < n; i++) {
    const request = await playwrightRequest.newContext({ baseURL });
    const login = await postForm(request, baseURL, '/login', 'email', { email, password });
    expect(login.headers()['location'] ?? '').toContain('/login/verify');
    contexts.push(request);
  }
  return contexts;
}

test('20 parallel submissions of one TOTP code give exactly one session', async ({ org }) => {
  const user = await org.userWith2fa();
  const contexts = await pendingVerifications(user.email, user.password, 20);
  const code = totp(user.secret);
  const responses = await Promise.all(contexts.map((r) => postForm(r, baseURL, '/login/verify', 'code', { method: 'code', code })));
  expect(responses.every((r) => r.status() < 500)).toBe(true);
  expectBothInstances(responses);
  expect(await liveSessions(user.id)).toBe(1);
  await Promise.all(contexts.map((r) => r.dispose()));
});

test('20 parallel submissions of one recovery code give exactly one session', async ({ org }) => {
  const user = await org.userWith2fa();
  const contexts = await pendingVerifications(user.email, user.password, 20);
  const htmls = await Promise.all(contexts.map(async (r) => (await r.get('/login/verify?method=recovery')).text()));
  const responses = await Promise.all(
    contexts.map((r, i) => r.post('/login/verify?method=recovery', { multipart: { ...actionFields(htmls[i]!, 'recoveryCode'), method: 'recovery', recoveryCode: user.recoveryCodes[0]! }, headers: { Origin: baseURL }, maxRedirects: 0 })),
  );
  expect(responses.every((r) => r.status() < 500)).toBe(true);
  expectBothInstances(responses);
  expect(await liveSessions(user.id)).toBe(1);
  await Promise.all(contexts.map((r) => r.dispose()));
});

test('20 parallel redemptions of one ready challenge give exactly one session', async ({ org }) => {
  const user = await org.userWith2fa();
  // As after a correct code: a challenge marked ready under a token only this test holds.
  const { credentialsVersion } = await userRow(user.id);
  const verify = await createChallenge(user.id, 'verify', '/', credentialsVersion);
  const ready = await writeTransaction(async (tx) => markChallengeReady(tx, verify, Date.now(), 'totp'));
  expect(ready).toBeTruthy();
  const contexts = await Promise.all(Array.from({ length: 20 }, () => playwrightRequest.newContext({ baseURL })));
  const csrfTokens = await Promise.all(contexts.map(async (r) => ((await (await r.get('/api/auth/csrf')).json()) as { csrfToken: string }).csrfToken));
  const responses = await Promise.all(
    contexts.map((r, i) => r.post('/api/auth/callback/credentials', { form: { csrfToken: csrfTokens[i]!, challenge: ready! }, headers: { Origin: baseURL }, maxRedirects: 0 })),
  );
  expect(responses.every((r) => r.status() < 500)).toBe(true);
  expectBothInstances(responses);
  expect(await liveSessions(user.id)).toBe(1);
  expect(responses.filter((r) => /authjs\.session-token=[^;]/.test(r.headers()['set-cookie'] ?? '')), 'one response carries the session').toHaveLength(1);
  await Promise.all(contexts.map((r) => r.dispose()));
});

test('parallel wrong passwords, split over two servers, never get more checks than the throttle allows, and the lock is audited once', async () => {
  const { startExtraServer } = await import('./support/server');
  const { TestOrg } = await import('./support/accounts');
  const { db } = await import('@/db');
  const { auditEvents } = await import('@/db/schema');
  const { eq } = await import('drizzle-orm');
  // Two processes with a lower limit on the same database, the attempts alternating between them.
  const settings = { DESKGATE_LOGIN_EMAIL_FAILURES: '3' };
  const worker = test.info().workerIndex;
  const servers = await Promise.all([startExtraServer(3340 + 2 * worker, settings), startExtraServer(3341 + 2 * worker, settings)]);
  const [server] = servers as [ExtraServer, ExtraServer];
  try {
    const user = await (await TestOrg.create('optional')).user();
    const request = await playwrightRequest.newContext({ baseURL: server.baseURL });
    const html = await (await request.get('/login')).text();
    const fields = actionFields(html, 'email');
    const attempts = await Promise.all(
      Array.from({ length: 12 }, (_, i) => {
        const target = servers[i % 2]!.baseURL;
        return request.post(`${target}/login`, { multipart: { ...fields, email: user.email, password: `wrong-${i}` }, headers: { Origin: target }, maxRedirects: 0 });
      }),
    );
    expect(attempts.every((r) => r.status() < 500)).toBe(true);
    const read = async () => (await db()).select({ action: auditEvents.action, detail: auditEvents.detail }).from(auditEvents).where(eq(auditEvents.targetUserId, user.id));
    // 3 real checks, each audited (just after its answer); the 4th locks the email (one event); the 8 refused by the lock write nothing.
    const failed = async () => (await read()).filter((e) => e.action === 'sign_in.failed').map((e) => JSON.parse(e.detail!).reason);
    await expect.poll(failed).toEqual(['password', 'password', 'password']);
    const events = await read();
    expect(events.filter((e) => e.action === 'sign_in.locked')).toEqual([{ action: 'sign_in.locked', detail: JSON.stringify({ throttle: 'email' }) }]);
    // Locked: even the right password is refused now, with the same message.
    const right = await request.post('/login', { multipart: { ...fields, email: user.email, password: user.password }, headers: { Origin: server.baseURL }, maxRedirects: 0 });
    expect(right.status()).toBe(200);
    expect(await right.text()).toContain('match an account that can sign in here');
    expect(await liveSessions(user.id)).toBe(0);
    await request.dispose();
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
});
