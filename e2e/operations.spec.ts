import { request as playwrightRequest, type APIRequestContext } from '@playwright/test';
import { expect, test, TestOrg } from './fixtures';
import { baseURL, instancePorts, metricsPort } from './support/env';
import { postForm } from './support/forms';
import { startExtraServer } from './support/server';

// Health checks and metrics, as a balancer and a scraper use them. On PostgreSQL the suite runs two
// instances behind the round-robin balancer: the checks must answer from each. Plain HTTP: the
// config runs this file in one project.

const READY = { status: 'ready', checks: { shutdown: 'ok', database: 'ok', migrations: 'ok', hashPool: 'ok' } };
const instanceURLs = instancePorts.map((p) => `http://localhost:${p}`);
/** Each instance's METRICS_PORT listener (loopback only). */
const metricsURLs = instancePorts.map((p) => `http://127.0.0.1:${metricsPort(p)}`);

async function metricValue(api: APIRequestContext, url: string, line: RegExp): Promise<number> {
  const text = await (await api.get(`${url}/metrics`)).text();
  const match = text.split('\n').find((l) => line.test(l));
  return match ? Number(match.split(' ').at(-1)) : 0;
}

/** A counter summed over every instance (each counts what it served). */
async function summed(api: APIRequestContext, line: RegExp): Promise<number> {
  let total = 0;
  for (const url of metricsURLs) total += await metricValue(api, url, line);
  return total;
}

test('/healthz and /readyz answer signed out, as JSON, from every instance behind the balancer, and touch no session', async ({ request }) => {
  const seen = new Set<string>();
  for (let i = 0; i < 2 * instancePorts.length; i++) {
    const ready = await request.get('/readyz', { maxRedirects: 0 });
    expect(ready.status()).toBe(200);
    expect(await ready.json()).toEqual(READY);
    expect(ready.headers()['content-type']).toContain('application/json');
    expect(ready.headers()['cache-control']).toBe('no-store');
    expect(ready.headers()['set-cookie']).toBeUndefined();
    seen.add(ready.headers()['x-e2e-instance'] ?? 'the only one');

    const health = await request.get('/healthz', { maxRedirects: 0 });
    expect(health.status()).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(health.headers()['set-cookie']).toBeUndefined();
    seen.add(health.headers()['x-e2e-instance'] ?? 'the only one');
  }
  // Each request goes to the next instance in turn (other tests' requests in between): both kinds together reach every one.
  expect(seen.size, 'each instance answered the balancer').toBe(instancePorts.length);
  for (const url of instanceURLs) expect(await (await request.get(`${url}/readyz`)).json()).toEqual(READY);
  // Only GET: a health check never changes anything.
  expect((await request.post('/readyz', { headers: { Origin: baseURL } })).status()).toBe(405);
});

test('/metrics on METRICS_PORT: sign-ins by outcome, request latency by route group, the hash pool, transactions', async ({ request }) => {
  const org = await TestOrg.create();
  const user = await org.user();
  const failed = /^deskgate_sign_ins_total\{method="password",outcome="failed"\} /;
  const before = await summed(request, failed);
  const login = await postForm(request, baseURL, '/login', 'email', { email: user.email, password: 'not the password' });
  expect(login.status()).toBe(200);
  await expect.poll(() => summed(request, failed), { message: 'the wrong password was counted' }).toBeGreaterThan(before);

  for (const url of metricsURLs) {
    const response = await request.get(`${url}/metrics`);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('text/plain; version=0.0.4');
    const text = await response.text();
    expect(text).toMatch(/^deskgate_http_request_duration_seconds_bucket\{le="[0-9.]+",group="sign_in",method="GET",status="2xx"\} \d+$/m);
    for (const name of ['deskgate_hash_queue_length', 'deskgate_hash_wait_seconds', 'deskgate_db_transaction_seconds', 'deskgate_second_factor_failures_total', 'deskgate_locks_total']) {
      expect(text, name).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    }
    // Nothing a metric carries names a person or a client.
    expect(text).not.toContain(user.email);
    expect(text).not.toContain('127.0.0.1');
  }
});

test('/metrics on the public port: only with the METRICS_TOKEN bearer token, never by address; METRICS_PORT serves nothing else', async ({ request }) => {
  // The suite's own server, from loopback: a reverse proxy on this machine would look the same.
  const refused = await request.get('/metrics');
  expect(refused.status()).toBe(403);
  expect(await refused.text()).toContain('METRICS_TOKEN');
  const forged = await request.get('/metrics', { headers: { 'X-Deskgate-Listener': 'forged', 'X-Forwarded-For': '127.0.0.1' } });
  expect(forged.status(), 'the listener mark is made by the server, not sent by a client').toBe(403);
  const other = await request.get(`${metricsURLs[0]}/login`);
  expect(other.status()).toBe(404);
  expect(await other.text()).toBe('This port serves GET /metrics only.\n');
  const rebound = await request.get(`${metricsURLs[0]}/metrics`, { headers: { Host: `rebound.example:${metricsPort(instancePorts[0]!)}` } });
  expect(rebound.status(), 'a page whose name was rebound to 127.0.0.1 reads nothing').toBe(404);

  const token = 'metrics-token-for-the-e2e-suite-0123456789';
  const guarded = await startExtraServer(3400 + test.info().parallelIndex, { METRICS_TOKEN: token });
  const api = await playwrightRequest.newContext();
  try {
    const unauthorized = await api.get(`${guarded.baseURL}/metrics`);
    expect(unauthorized.status()).toBe(401);
    expect(unauthorized.headers()['www-authenticate']).toBe('Bearer realm="metrics"');
    expect((await api.get(`${guarded.baseURL}/metrics`, { headers: { Authorization: `Bearer ${token}x` } })).status()).toBe(401);
    expect((await api.get(`${guarded.baseURL}/metrics`, { headers: { Authorization: 'Bearer wrong' } })).status()).toBe(401);
    const allowed = await api.get(`${guarded.baseURL}/metrics`, { headers: { Authorization: `bearer  ${token}` } });
    expect(allowed.status()).toBe(200);
    expect(await allowed.text()).toContain('# TYPE deskgate_sign_ins_total counter');
  } finally {
    await api.dispose();
    await guarded.stop();
  }
});
