import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { request as playwrightRequest, type APIRequestContext } from '@playwright/test';
import { count, eq, like, or, type SQL } from 'drizzle-orm';
import { db, writeTransaction } from '@/db';
import { throttleHits, throttleLocks } from '@/db/schema';
import { expect, test } from './fixtures';
import { HomePage } from './pages/home-page';
import { auditActions, liveSessions } from './support/db';
import { baseURL, e2eDir } from './support/env';
import { actionFields } from './support/forms';
import { startExtraServer } from './support/server';

// Attackers post raw requests; the config runs this file once (project no-js, so the owner's browser has JS off).
const GENERIC = 'match an account that can sign in here';

async function signInForm(request: APIRequestContext) {
  return actionFields(await (await request.get('/login')).text(), 'email');
}

function post(request: APIRequestContext, origin: string, fields: Record<string, string>, email: string, password: string) {
  // A flood's last attempts wait their address's turn at the hashing pool for a while.
  return request.post('/login', { multipart: { ...fields, email, password }, headers: { Origin: origin }, maxRedirects: 0, timeout: 90_000 });
}

test('12 wrong passwords from one address lock the email, but its owner signs in at once from the browser they used before; the attacker stays locked', async ({ page, org, loginPage }) => {
  const user = await org.user();
  await loginPage.signIn(user);
  await new HomePage(page).signOut();
  // The device cookie outlives the session it came with.
  const device = (await page.context().cookies()).find((c) => c.name === 'deskgate-device');
  expect(device).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
  expect(device!.expires * 1000 - Date.now()).toBeGreaterThan(364 * 24 * 3600 * 1000);

  const attacker = await playwrightRequest.newContext({ baseURL });
  const fields = await signInForm(attacker);
  for (let i = 0; i < 12; i++) {
    const response = await post(attacker, baseURL, fields, user.email, `wrong-${i}`);
    expect(response.status()).toBe(200);
    expect(await response.text()).toContain(GENERIC);
  }
  const right = await post(attacker, baseURL, fields, user.email, user.password);
  expect(await right.text()).toContain(GENERIC);
  expect(await liveSessions(user.id)).toBe(0);

  await loginPage.signIn(user);
  expect(await liveSessions(user.id)).toBe(1);

  // Still locked for the attacker, even holding a device cookie of their own account.
  const own = await org.user();
  expect((await post(attacker, baseURL, fields, own.email, own.password)).status()).toBe(303);
  expect((await attacker.storageState()).cookies.map((c) => c.name)).toContain('deskgate-device');
  const again = await post(attacker, baseURL, fields, user.email, user.password);
  expect(await again.text()).toContain(GENERIC);
  expect(await liveSessions(user.id)).toBe(1);
  // One audit event for the lock; the refused attempts wrote none.
  expect((await auditActions(user.id)).filter((a) => a === 'sign_in.locked')).toHaveLength(1);
  await attacker.dispose();
});

test('100 parallel wrong passwords from one address: another address signs in meanwhile, no 5xx, the throttle tables stay bounded', async ({ org }) => {
  test.setTimeout(180_000);
  // Behind a trusted proxy, so that X-Forwarded-For gives each client its own address on loopback. One
  // hashing worker more than an address may hold (2), as any host of 3 or more cores has by default.
  const env = { TRUST_PROXY: '1', DESKGATE_LOGIN_IP_FAILURES: '20', DESKGATE_HASH_WORKERS: '3' };
  // Its log is kept (and checked for secrets at the end, as the main server's).
  const server = await startExtraServer(3370 + test.info().workerIndex, env, { log: path.join(e2eDir, `extra-server-lockout-${test.info().workerIndex}.log`) });
  const tag = randomBytes(4).toString('hex');
  const attackerAddress = `203.0.113.${1 + (randomBytes(1)[0]! % 250)}`;
  const user = await org.user();
  const client = (address: string) => playwrightRequest.newContext({ baseURL: server.baseURL, extraHTTPHeaders: { 'X-Forwarded-For': address } });
  const signIn = async () => {
    const request = await client('198.51.100.9');
    const pageStarted = performance.now();
    const fields = await signInForm(request);
    pageTimes.push(performance.now() - pageStarted);
    // The password step: what the hashing queue decides.
    const started = performance.now();
    const response = await post(request, server.baseURL, fields, user.email, user.password);
    const ms = performance.now() - started;
    await request.dispose();
    expect(response.status()).toBe(303);
    return ms;
  };
  const pageTimes: number[] = [];
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
  const rowCount = async (table: typeof throttleHits | typeof throttleLocks, where?: SQL) => (await (await db()).select({ n: count() }).from(table).where(where))[0]!.n;
  const floodRows = async () => ({
    hits: await rowCount(throttleHits, or(like(throttleHits.key, `pw:email:flood-${tag}-%`), eq(throttleHits.key, `pw:ip:${attackerAddress}`))),
    locks: await rowCount(throttleLocks, eq(throttleLocks.key, `pw:ip:${attackerAddress}`)),
    stale: await rowCount(throttleHits, like(throttleHits.key, `stale:${tag}:%`)),
  });
  try {
    await signIn();
    const alone = [await signIn(), await signIn(), await signIn(), await signIn(), await signIn()];
    // Rows long expired (from a flood of another day): the attempts below purge them as they go.
    await writeTransaction((tx) => tx.insert(throttleHits).values(Array.from({ length: 300 }, (_, i) => ({ key: `stale:${tag}:${i}`, at: i }))));
    const tables = async () => ({ hits: await rowCount(throttleHits), locks: await rowCount(throttleLocks) });
    const before = await tables();

    const attacker = await client(attackerAddress);
    const fields = await signInForm(attacker);
    const floodStarted = performance.now();
    let floodMs = 0;
    // The flood goes out through Node's own fetch, as an attacker's script would: 100 parallel requests through
    // a Playwright request context queue up in Playwright's driver, in front of the other client's requests.
    const floodPost = async (i: number) => {
      const body = new FormData();
      for (const [name, value] of Object.entries({ ...fields, email: `flood-${tag}-${i}@nowhere.example`, password: 'wrong-password' })) body.append(name, value);
      const response = await fetch(`${server.baseURL}/login`, { method: 'POST', body, redirect: 'manual', headers: { Origin: server.baseURL, 'X-Forwarded-For': attackerAddress } });
      return { status: response.status, text: await response.text() };
    };
    const flood = Promise.all(Array.from({ length: 100 }, (_, i) => floodPost(i))).finally(() => (floodMs = performance.now() - floodStarted));
    await new Promise((r) => setTimeout(r, 200));
    const underFlood: number[] = [];
    const firstStartedDuringFlood = !floodMs;
    while (!floodMs || underFlood.length === 0) underFlood.push(await signIn());
    const responses = await flood;
    const texts = responses.map((r) => r.text);
    // The machine is shared: the usual time is measured on both sides of the flood.
    alone.push(await signIn(), await signIn(), await signIn(), await signIn(), await signIn());
    const baseline = median(alone);
    console.log(
      `sign-in from another address: median ${Math.round(baseline)} ms alone (${alone.map(Math.round).join(', ')}), median ${Math.round(median(underFlood))} ms ` +
        `during 100 parallel wrong passwords (${underFlood.map(Math.round).join(', ')}) ` +
        `(the flood took ${Math.round(floodMs)} ms; ${texts.filter((t) => t.includes('server is busy')).length} answered busy; ` +
        `throttle rows before/after: ${JSON.stringify(before)} ${JSON.stringify(await tables())}; GET /login before each: ${pageTimes.map(Math.round).join(', ')} ms)`,
    );

    expect(responses.filter((r) => r.status >= 500)).toEqual([]);
    for (const text of texts) expect(text).toMatch(new RegExp(`${GENERIC}|server is busy`));
    // Each sign-in above began while the flood was going and ended signed in (signIn() checks the 303). How long
    // it took is the benchmark's to say (printed here for the record): under 100 requests at once the event loop
    // serves everyone in turn, so the figure follows the machine's load. That one address cannot hold the hashing
    // pool from another is proven exactly in lib/auth/address-gate.test.ts.
    expect(firstStartedDuringFlood, 'the flood was over before the other client began').toBe(true);
    // 20 failures per address: the 21st locks the address, and nothing more is stored for it.
    const rows = await floodRows();
    expect(rows.hits).toBeLessThanOrEqual(2 * 21);
    expect(rows.locks).toBe(1);
    expect(rows.stale).toBe(0);
    expect((await tables()).hits, 'the flood purged more than it added').toBeLessThan(before.hits);
    await attacker.dispose();
  } finally {
    await server.stop();
  }
});
