// `npm run bench [-- --quick] [-- --store postgres]`: the production server on a fresh database (SQLite,
// or PostgreSQL started for the run), filled with demo:bulk, driven from this separate process over
// loopback. Prints one table; writes bench-results.json (bench-results-postgres.json).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import bcryptjs from 'bcryptjs';
import * as OTPAuth from 'otpauth';
import { store } from '@/db/store';
import { chooseHasher, type HasherName } from '@/lib/auth/hasher';
import { config } from '@/lib/config';
import { prepareSecrets } from '@/lib/secrets';
import { ensureBuild } from '../build-stamp';
import { serverCommand } from '../server-process';
import { actionFields } from '@/lib/testing/forms';
import { commitCost } from './commit-cost';
import { Client, percentile, type Reply } from './http';
import { benchAccounts, type BenchUser } from './setup';
import { keyAccounts, keyAnswer, keyStepFields, type KeyUser } from './keys';

const quick = process.argv.includes('--quick');
const wanted = process.argv.includes('--store') ? process.argv[process.argv.indexOf('--store') + 1] : 'sqlite';
if (wanted !== 'sqlite' && wanted !== 'postgres') {
  console.error('bench: --store is sqlite (the default) or postgres');
  process.exit(2);
}
if (wanted === 'postgres' && store !== 'postgres') {
  // Again, on a throwaway PostgreSQL server (DATABASE_URL names a fresh database on it).
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'lib/testing/with-postgres.ts', process.execPath, '--conditions=react-server', '--import', 'tsx', 'lib/ops/bench/main.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(run.status ?? 2);
}
const root = process.cwd();
const dir = mkdtempSync(path.join(os.tmpdir(), 'deskgate-bench-'));
const port = Number(process.env.BENCH_PORT ?? 3499);
const base = `http://localhost:${port}`;
const key = () => randomBytes(32).toString('base64url');
const env: Record<string, string> = {
  // PostgreSQL keeps the URL it was given; its instances take the keys from the environment.
  ...(store === 'postgres' ? { AUTH_SECRET: key(), DESKGATE_ENCRYPTION_KEY: key(), DESKGATE_CODE_KEY: key() } : { DATABASE_URL: `file:${path.join(dir, 'bench.db')}` }),
  DESKGATE_DEMO: '0',
  // The benchmark measures work, not the throttles: every client comes from one address.
  DESKGATE_LOGIN_IP_FAILURES: '1000000',
  DESKGATE_LOGIN_EMAIL_FAILURES: '1000000',
  DESKGATE_2FA_USER_FAILURES: '1000000',
  DESKGATE_HASHES_PER_ADDRESS: '1000000',
  DESKGATE_LOG: 'off',
  NEXT_TELEMETRY_DISABLED: '1',
};
Object.assign(process.env, env);

interface Result {
  name: string;
  value: number;
  unit: string;
  budget: string;
  pass: boolean | null;
}
const results: Result[] = [];
const record = (name: string, value: number, unit: string, budget = '', pass: boolean | null = null) => results.push({ name, value: Math.round(value * 100) / 100, unit, budget, pass });
const now = () => performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const code = (secret: string, step: number) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp: step * 30_000 });

/**
 * 1: one hash at the configured cost, with each implementation the server can use, alternating in
 * this process (so that both see the same machine). L, the hashing limit, is for the one in use.
 */
function step1SingleHash() {
  const cost = config().bcryptCost;
  const inUse = chooseHasher(config().hasher);
  const load = createRequire(path.join(root, 'package.json'));
  const implementations = { bcrypt: load('bcrypt') as typeof bcryptjs, bcryptjs } as const;
  const times: Record<HasherName, number[]> = { bcrypt: [], bcryptjs: [] };
  for (let i = 0; i < (quick ? 3 : 5); i++) {
    for (const name of ['bcrypt', 'bcryptjs'] as const) {
      const t = now();
      implementations[name].hashSync('benchmark-password', cost);
      times[name].push(now() - t);
    }
  }
  const single = { bcrypt: percentile(times.bcrypt, 50), bcryptjs: percentile(times.bcryptjs, 50) };
  const cores = os.availableParallelism();
  record(`hash at cost ${cost}, native bcrypt (median)`, single.bcrypt, 'ms');
  record(`hash at cost ${cost}, bcryptjs (median)`, single.bcryptjs, 'ms');
  record('bcryptjs ÷ native hash time', single.bcryptjs / single.bcrypt, 'ratio');
  record(`hashing limit L = ${cores} cores ÷ hash time (${inUse.name}, in use)`, (cores * 1000) / single[inUse.name], 'sign-ins/s');
  return { L: (cores * 1000) / single[inUse.name], hasher: inUse.name };
}

type Server = Awaited<ReturnType<typeof startServer>>;

async function startServer(extra: Record<string, string> = {}, at = port) {
  const started = now();
  const child = spawn(process.execPath, serverCommand(root), { env: { ...process.env, ...extra, PORT: String(at), METRICS_PORT: String(at + 1), NODE_ENV: 'production', NODE_OPTIONS: '' }, stdio: 'ignore' });
  let peak = 0;
  // The peak since the last mark: what one piece of work (the users export) took on top of the rest.
  let markedPeak = 0;
  const rss = () => {
    try {
      return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    } catch {
      return 0; // not on Linux, or the process is gone
    }
  };
  const sampler = setInterval(() => {
    const mb = rss();
    peak = Math.max(peak, mb);
    markedPeak = Math.max(markedPeak, mb);
  }, 50);
  for (;;) {
    try {
      if ((await fetch(`http://localhost:${at}/login`)).status === 200) break;
    } catch {
      // not listening yet
    }
    await sleep(20);
  }
  if (Object.keys(extra).length === 0) record('start to first 200', now() - started, 'ms', '≤ 2000 ms', now() - started <= 2000);
  /** CPU seconds the server used so far (user + system, all threads). */
  const cpu = () => {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  };
  /** Starts a new window of RSS samples; returns the RSS now (MB). */
  const markRss = () => (markedPeak = rss());
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, cpu, peakRss: () => peak, markRss, peakSinceMark: () => Math.max(markedPeak, rss()), stop: () => (clearInterval(sampler), child.kill('SIGTERM'), exited) };
}

/** The fields of one CSV record as RFC 4180 writes it (quoted fields may hold commas and doubled quotes); 0 if malformed. */
function csvFields(record: string): number {
  const field = /(?:"(?:[^"]|"")*"|[^",]*)(?:,|$)/y;
  let fields = 0;
  for (field.lastIndex = 0; field.lastIndex < record.length; fields += 1) {
    const at = field.lastIndex;
    if (!field.exec(record) || field.lastIndex === at) return 0;
  }
  // A record ending in a comma has one more, empty field.
  return record.endsWith(',') ? fields + 1 : fields;
}

/** How many users the organization has, read from the database directly (not through the page under test). */
async function usersOf(orgId: number): Promise<number> {
  const [{ count, eq }, { db }, { users }] = await Promise.all([import('drizzle-orm'), import('@/db'), import('@/db/schema')]);
  return (await (await db()).select({ n: count() }).from(users).where(eq(users.orgId, orgId)))[0]?.n ?? 0;
}

/** What a page that answered instead of redirecting says (its alert), for the benchmark's error message. */
async function alertOf(reply: Reply): Promise<string> {
  const text = await reply.text();
  return /role="alert"[^>]*>([^<]{1,300})/.exec(text)?.[1] ?? text.slice(0, 300);
}

/** The whole two-step sign-in of one user: password, TOTP code, landing page. Returns the client, signed in. */
async function signIn(user: { email: string; secret?: string }, password: string, forms: Forms, step: number, timeVerify?: number[], instances: string[] = []) {
  const client = new Client(base, instances);
  const login = await client.post('/login', { ...forms.login, email: user.email, password });
  const next = login.headers.get('location') ?? '';
  if (next.includes('/login/verify')) {
    const t = now();
    const verify = await client.post('/login/verify', { ...forms.verify, method: 'code', code: code(user.secret!, step) });
    timeVerify?.push(now() - t);
    if (!(verify.headers.get('location') ?? '').endsWith('/')) throw new Error(`verify failed for ${user.email}: ${verify.status} ${await alertOf(verify)}`);
  } else if (!next.endsWith('/')) {
    throw new Error(`sign-in failed for ${user.email}: ${login.status} ${next}`);
  }
  const home = await client.get('/');
  if (home.status !== 200) throw new Error(`landing page ${home.status}`);
  await home.arrayBuffer();
  return client;
}

interface Forms {
  login: Record<string, string>;
  verify: Record<string, string>;
}

/** Hands out users so that nobody signs in twice within one time step (codes are single-use). */
class UserPool {
  private used = new Map<string, number>();
  constructor(private readonly users: BenchUser[]) {}
  take(step: number): BenchUser {
    return this.mark(step, step);
  }
  /**
   * A user for a code entered at some later step (the password steps of a batch first, the codes
   * afterwards): one not used in this step, never handed out again. Marked with this step only, the
   * same user came back once the step turned, and its second code of that step was refused as a replay.
   */
  takeForLater(step: number): BenchUser {
    return this.mark(step, Infinity);
  }
  private mark(step: number, until: number): BenchUser {
    for (const u of this.users) {
      if ((this.used.get(u.email) ?? -1) < step) {
        this.used.set(u.email, until);
        return u;
      }
    }
    throw new Error('the benchmark ran out of users for this time step');
  }
}

/** The key step's password steps, and each key's answer to its sign-in's options (made here, untimed). */
async function keyStepsReady(people: KeyUser[], password: string, forms: Forms): Promise<{ client: Client; response: string }[]> {
  const ready: { client: Client; response: string }[] = [];
  for (const user of people) {
    const client = new Client(base);
    const login = await client.post('/login', { ...forms.login, email: user.email, password });
    if (!(login.headers.get('location') ?? '').includes('/login/verify')) throw new Error(`no key step for ${user.email}: ${login.status}`);
    ready.push({ client, response: await keyAnswer(user, client.cookie('deskgate-challenge')!, base) });
  }
  return ready;
}

/** One key step, timed: the key's answer posted to /login/verify, to the redirect into the app. */
async function keyStep({ client, response }: { client: Client; response: string }, fields: Record<string, string>): Promise<number> {
  const t = now();
  const verify = await client.post('/login/verify', { ...fields, response });
  const took = now() - t;
  if (!(verify.headers.get('location') ?? '').endsWith('/')) throw new Error(`key step failed: ${verify.status}`);
  return took;
}

async function main() {
  if (!ensureBuild(root)) throw new Error('the build failed');
  await prepareSecrets();
  const { L, hasher } = step1SingleHash();
  // The server commits with synchronous = FULL (durable across power loss); what that costs here.
  const commits = commitCost(path.join(dir, 'commit-cost.db'), quick ? 200 : 500);
  record('SQLite commit, synchronous = NORMAL (median)', commits.normal, 'ms');
  record('SQLite commit, synchronous = FULL (median)', commits.full, 'ms');
  record('FULL ÷ NORMAL commit time', commits.full / commits.normal, 'ratio');
  const accounts = await benchAccounts(quick ? 500 : 1000);
  const keyUsers = await keyAccounts(accounts.org, accounts.password, quick ? 20 : 60);
  const bulk = spawnSync(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'lib/cli/main.ts', 'demo:bulk', '--org', 'bench', '--users', String(quick ? 20_000 : 100_000)], { env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'ignore', 'inherit'] });
  if (bulk.status !== 0) throw new Error('demo:bulk failed');

  const server = await startServer();
  try {
    const loginHtml = await (await fetch(`${base}/login`)).text();
    const forms: Forms = { login: actionFields(loginHtml, 'email'), verify: {} };
    const probe = new Client(base);
    await probe.post('/login', { ...forms.login, email: accounts.people[0]!.email, password: accounts.password });
    forms.verify = actionFields(await (await probe.get('/login/verify')).text(), 'code');
    const pool = new UserPool(accounts.people);
    const stepNow = () => Math.floor(Date.now() / 30_000);

    // A signed-in reader for the cheap page, and a warm-up.
    const reader = await signIn(pool.take(stepNow()), accounts.password, forms, stepNow());
    for (let i = 0; i < 10; i++) await (await reader.get('/')).arrayBuffer();

    // 2: sign-ins at saturation (nothing else running), then 3: the same load with a cheap page probed meanwhile.
    const clients = os.availableParallelism() * 2;
    const duration = quick ? 8_000 : 20_000;
    /** `targets`: the servers whose CPU is counted; `instances`: serve from these (two instances), else from `base`. */
    const load = async (probe: boolean, targets: Server[] = [server], instances: string[] = []) => {
      let done = 0;
      const pageTimes: number[] = [];
      const start = now();
      const until = start + duration;
      const serverCpu = targets.map((t) => t.cpu());
      const driverCpu = process.cpuUsage();
      const loaders = Array.from({ length: clients }, async () => {
        while (now() < until) {
          const step = stepNow();
          await signIn(pool.take(step), accounts.password, forms, step, undefined, instances);
          done += 1;
        }
      });
      const cheap = (async () => {
        if (!probe) return;
        await sleep(500);
        while (now() < until - 200) {
          const t = now();
          await (await reader.get('/')).arrayBuffer();
          pageTimes.push(now() - t);
          await sleep(100);
        }
      })();
      await Promise.all([...loaders, cheap]);
      const driver = process.cpuUsage(driverCpu);
      const serverSeconds = targets.reduce((sum, t, i) => sum + t.cpu() - serverCpu[i]!, 0);
      return { rate: (done * 1000) / (now() - start), pageTimes, serverMs: (serverSeconds * 1000) / done, driverMs: (driver.user + driver.system) / 1000 / done };
    };
    const saturated = await load(false);
    record(`full two-step sign-ins (${clients} clients, ${hasher})`, saturated.rate, 'sign-ins/s');
    record('server CPU per sign-in (hashing included)', saturated.serverMs, 'ms');
    record('load driver CPU per sign-in (this process)', saturated.driverMs, 'ms');
    record('sign-in rate ÷ L', saturated.rate / L, 'ratio', '≥ 0.9', saturated.rate / L >= 0.9);
    const { pageTimes } = await load(true);
    record('cheap page during sign-in load, p50', percentile(pageTimes, 50), 'ms');
    record('cheap page during sign-in load, p99', percentile(pageTimes, 99), 'ms', '≤ 100 ms', percentile(pageTimes, 99) <= 100);

    // 4: the verify step alone: the password steps first, then the code steps back to back, as the
    // other latencies are measured, each followed by a security key's step (the same post to
    // /login/verify with the key's answer), so that the two are compared under the same conditions.
    // Right after its own password step the server has sat idle for a hash's third of a second,
    // and the first request after an idle pause pays a wake-up cost of a few milliseconds whatever
    // it is (an idle pause without any hashing costs the same); that figure is reported too,
    // without a budget.
    const keyFields = keyStepFields(root);
    // The code step's path is warm from thousands of sign-ins above; the key step's runs here for
    // the first time. One untimed round first, as for the admin pages: steady state is the budget.
    for (const ready of await keyStepsReady(keyUsers, accounts.password, forms)) await keyStep(ready, keyFields);
    const verifyTimes: number[] = [];
    const keyTimes: number[] = [];
    const waiting: { client: Client; user: BenchUser }[] = [];
    for (let i = 0; i < keyUsers.length; i++) {
      const user = pool.takeForLater(stepNow());
      const client = new Client(base);
      const login = await client.post('/login', { ...forms.login, email: user.email, password: accounts.password });
      if (!(login.headers.get('location') ?? '').includes('/login/verify')) throw new Error(`no code step for ${user.email}: ${login.status}`);
      waiting.push({ client, user });
    }
    const keysReady = await keyStepsReady(keyUsers, accounts.password, forms);
    for (const [i, { client, user }] of waiting.entries()) {
      const t = now();
      const verify = await client.post('/login/verify', { ...forms.verify, method: 'code', code: code(user.secret, stepNow()) });
      verifyTimes.push(now() - t);
      if (!(verify.headers.get('location') ?? '').endsWith('/')) throw new Error(`verify failed for ${user.email}: ${verify.status} ${await alertOf(verify)}`);
      keyTimes.push(await keyStep(keysReady[i]!, keyFields));
    }
    record('verify step, p50', percentile(verifyTimes, 50), 'ms', '≤ 5 ms', percentile(verifyTimes, 50) <= 5);
    record('verify step, p99', percentile(verifyTimes, 99), 'ms', '≤ 20 ms', percentile(verifyTimes, 99) <= 20);
    const totpP50 = percentile(verifyTimes, 50);
    record('verify step with a security key, p50', percentile(keyTimes, 50), 'ms', `≤ TOTP p50 (${Math.round(totpP50 * 100) / 100} ms)`, percentile(keyTimes, 50) <= totpP50);
    record('verify step with a security key, p99', percentile(keyTimes, 99), 'ms');
    const afterPassword: number[] = [];
    for (let i = 0; i < (quick ? 10 : 20); i++) {
      const step = stepNow();
      await signIn(pool.take(step), accounts.password, forms, step, afterPassword);
    }
    record('verify step right after its own password step, p50', percentile(afterPassword, 50), 'ms');

    // 5: the admin table at 100,000 users.
    const admin = await signIn({ email: accounts.admin }, accounts.password, forms, stepNow());
    // Every page of it shows the adoption counts (one grouped pass over the organization's index
    // entries), as does the policy page, whose other reads are a few rows: its time is mostly theirs.
    for (const [label, page] of [['/admin/users first page', '/admin/users'], ['/admin/users search', '/admin/users?q=emma'], ['/admin/users 2FA filter', '/admin/users?state=enabled'], ['/admin/users last page', '/admin/users?page=last'], ['/admin/settings with the adoption counts', '/admin/settings']] as const) {
      const times: number[] = [];
      // One untimed request first: the first render of a page loads its code (steady state is the budget).
      await (await admin.get(page)).arrayBuffer();
      for (let i = 0; i < (quick ? 15 : 40); i++) {
        const t = now();
        const response = await admin.get(page);
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`${page}: ${response.status}`);
        times.push(now() - t);
      }
      record(`${label}, p50`, percentile(times, 50), 'ms');
      record(`${label}, p95`, percentile(times, 95), 'ms', '≤ 50 ms', percentile(times, 95) <= 50);
    }

    // 5b: "Download CSV" of the whole table: streamed in keyset pages, so the server's memory stays
    // flat (its RSS sampled every 50 ms while the rows stream, against just before), and every user
    // arrives once as a well-formed record.
    const total = await usersOf(accounts.org.id);
    const before = server.markRss();
    const exportStart = now();
    const exported = await admin.get('/admin/users/export.csv');
    const csv = await exported.text();
    const exportMs = now() - exportStart;
    const during = server.peakSinceMark();
    if (exported.status !== 200) throw new Error(`/admin/users/export.csv: ${exported.status}`);
    const records = csv.replace(/^\uFEFF/, '').split('\r\n').slice(1, -1);
    const wellFormed = records.filter((r) => csvFields(r) === 8).length;
    record(`users export, ${records.length} rows: full download`, exportMs, 'ms');
    record('users export: rows per second', (records.length * 1000) / exportMs, 'rows/s');
    record('server RSS just before the export', before, 'MB');
    record('server peak RSS during the export', during, 'MB', `≤ before + 50 MB (${Math.round(before + 50)})`, during <= before + 50);
    record(`users export: well-formed rows ÷ table total (${total})`, wellFormed / total, 'ratio', '= 1', wellFormed === total && records.length === total);

    // 6: the balancer's checks and the scraper's page, idle: one call's latency and server CPU, so
    // what a balancer probing every second costs; the signed-in home page is the yardstick.
    const timed = async (label: string, get: () => Promise<Reply>, n: number) => {
      for (let i = 0; i < 5; i++) await (await get()).arrayBuffer();
      const times: number[] = [];
      const cpu = server.cpu();
      for (let i = 0; i < n; i++) {
        const t = now();
        const response = await get();
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`${label}: ${response.status}`);
        times.push(now() - t);
      }
      return { p50: percentile(times, 50), cpuMs: ((server.cpu() - cpu) * 1000) / n };
    };
    const calls = quick ? 100 : 300;
    const home = await timed('/', () => reader.get('/'), calls);
    record('signed-in home page, p50 (idle)', home.p50, 'ms');
    for (const check of ['/healthz', '/readyz', '/metrics']) {
      // The scraper reads METRICS_PORT (loopback), as the README sets it up.
      const balancer = new Client(check === '/metrics' ? `http://127.0.0.1:${port + 1}` : base);
      const cost = await timed(check, () => balancer.get(check), calls);
      record(`${check}, p50 (idle)`, cost.p50, 'ms');
      record(`${check}: server CPU per call`, cost.cpuMs, 'ms');
      record(`${check} p50 ÷ home page p50`, cost.p50 / home.p50, 'ratio');
      if (check === '/readyz') record('/readyz every second: share of one core', cost.cpuMs / 10, '%', '≤ 1 %', cost.cpuMs / 10 <= 1);
    }

    // 7: first-load JavaScript.
    const js = async (client: Client, page: string) => {
      const html = await (await client.get(page)).text();
      const srcs = [...new Set([...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]!))];
      let total = 0;
      for (const src of srcs) total += gzipSync(Buffer.from(await (await fetch(base + src)).arrayBuffer())).length;
      return total / 1024;
    };
    const baseline = await js(new Client(base), '/this-page-does-not-exist');
    record('first-load JS of the framework baseline (404 page), gzip', baseline, 'KB');
    const verifyClient = new Client(base);
    await verifyClient.post('/login', { ...forms.login, email: pool.take(stepNow()).email, password: accounts.password });
    for (const [page, client] of [['/login', new Client(base)], ['/login/verify', verifyClient], ['/profile/2fa', reader]] as const) {
      const size = await js(client, page);
      record(`first-load JS of ${page}, gzip`, size, 'KB', `≤ baseline + 15 KB (${(baseline + 15).toFixed(1)})`, size <= baseline + 15);
    }

    // Where the memory is at the end (the server's own gauges, METRICS_PORT): V8's heap (used and
    // reserved), memory outside it (buffers, native modules' allocations) and the RSS now.
    const gauges = await (await new Client(`http://127.0.0.1:${port + 1}`).get('/metrics')).text();
    const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(gauges)?.[1] ?? NaN) / 2 ** 20;
    record('server RSS at the end', gauge('process_resident_memory_bytes'), 'MB');
    record('  V8 heap reserved', gauge('nodejs_heap_size_total_bytes'), 'MB');
    record('  V8 heap used', gauge('nodejs_heap_size_used_bytes'), 'MB');
    record('  outside the V8 heap (external)', gauge('nodejs_external_memory_bytes'), 'MB');
    record('server peak RSS', server.peakRss(), 'MB', '≤ 200 MB', server.peakRss() <= 200);

    // 8: the same saturated sign-ins on a server whose workers hash with bcryptjs (the fallback), so
    // that the native module's gain is a ratio of two rates measured in one run.
    await server.stop();
    const jsServer = await startServer({ DESKGATE_HASHER: 'bcryptjs' });
    try {
      await signIn(pool.take(stepNow()), accounts.password, forms, stepNow());
      const withJs = await load(false, [jsServer]);
      record(`full two-step sign-ins (${clients} clients, bcryptjs)`, withJs.rate, 'sign-ins/s');
      if (hasher === 'bcrypt') record('sign-in rate: native ÷ bcryptjs', saturated.rate / withJs.rate, 'ratio', '≥ 1.3', saturated.rate / withJs.rate >= 1.3);
    } finally {
      await jsServer.stop();
    }

    // 9 (PostgreSQL): the same saturated sign-ins served by two instances on this machine's cores,
    // each request to the next instance as a round-robin balancer sends them (see Client).
    if (store === 'postgres') {
      const front = `http://localhost:${port + 4}`;
      const behind = { TRUST_PROXY: '1', AUTH_URL: front };
      const pair = [await startServer(behind, port), await startServer(behind, port + 2)];
      try {
        const instances = [`http://localhost:${port}`, `http://localhost:${port + 2}`];
        await signIn(pool.take(stepNow()), accounts.password, forms, stepNow(), undefined, instances);
        const two = await load(false, pair, instances);
        record(`full two-step sign-ins, two instances (${clients} clients, ${hasher})`, two.rate, 'sign-ins/s');
        record('  server CPU per sign-in, both instances (hashing included)', two.serverMs, 'ms');
        record('two-instance sign-in rate ÷ L', two.rate / L, 'ratio', '≥ 0.85', two.rate / L >= 0.85);
      } finally {
        await Promise.all(pair.map((s) => s.stop()));
      }
    }
  } finally {
    await server.stop();
  }

  const width = Math.max(...results.map((r) => r.name.length));
  console.log(`\nDeskgate benchmark${quick ? ' (quick)' : ''} on ${store === 'postgres' ? 'PostgreSQL' : 'SQLite'} — ${os.availableParallelism()} cores, ${new Date().toISOString()}\n`);
  for (const r of results) {
    const verdict = r.pass === null ? '' : r.pass ? 'pass' : 'FAIL';
    console.log(`${r.name.padEnd(width)}  ${String(r.value).padStart(9)} ${r.unit.padEnd(11)} ${r.budget.padEnd(34)} ${verdict}`);
  }
  const file = store === 'postgres' ? 'bench-results-postgres.json' : 'bench-results.json';
  writeFileSync(path.join(root, file), JSON.stringify(results, null, 2) + '\n');
  const failed = results.filter((r) => r.pass === false);
  console.log(`\n${results.filter((r) => r.pass).length} budgets met, ${failed.length} missed. Written to ${file}.`);
  process.exit(failed.length ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(`bench: ${(error as Error).message}`);
  process.exit(2);
});
