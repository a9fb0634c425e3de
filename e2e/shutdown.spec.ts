import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { connect } from 'node:net';
import path from 'node:path';
import { resolveDatabasePath } from '@/lib/config';
import { expect, test, TestOrg } from './fixtures';
import { databaseUrl, e2eDir, serverEnv, store } from './support/env';
import { send, signIn, signInFields, signedIn, type Answer } from './support/raw-http';
import { startBalancer, startExtraServer } from './support/server';
import { copyOfTheDatabase } from './support/sqlite-copy';

// Graceful shutdown (lib/ops/server.mjs, lib/ops/drain.mjs): SIGTERM amid sign-ins, as a deploy or a
// scale-down sends it. SQLite: each server runs on its own copy of the suite's database (as in
// crash-safety.spec.ts), so that stopping it touches nothing the other specs use. PostgreSQL: the
// servers are more instances on the shared database. Plain HTTP: the config runs this file once.

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Four ports for this worker's servers and balancers (plus E2E_PORT_OFFSET, added where they start). */
const ports = () => [0, 1, 2, 3].map((i) => 3860 + 4 * (test.info().workerIndex % 10) + i) as [number, number, number, number];

/** Call after the test wrote its users: a SQLite copy holds what was there when it was made. */
const databaseFor = (label: string) => (store === 'sqlite' ? copyOfTheDatabase(`shutdown-${label}-${test.info().workerIndex}`) : databaseUrl);

async function start(label: string, port: number, url: string, env: Record<string, string>) {
  const log = path.join(e2eDir, `extra-server-shutdown-${label}-${test.info().workerIndex}.log`);
  const server = await startExtraServer(port, { DATABASE_URL: url, DESKGATE_LOG: 'on', ...env }, { log });
  /** The server's JSON log lines about its own life: server.draining, server.stopped… */
  const events = () =>
    readFileSync(log, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { event: string; [field: string]: unknown })
      .filter((e) => e.event.startsWith('server.'));
  return { server, events };
}

const outcome = (settled: PromiseSettledResult<Answer>) =>
  settled.status === 'rejected' ? `failed: ${(settled.reason as { code?: string }).code ?? settled.reason}` : signedIn(settled.value) ? 'signed in' : `${settled.value.status} ${settled.value.headers.location ?? ''}`;

/** A client that sent the headers of a sign-in post and not its body: a request that never ends by itself. */
function hangingRequest(baseURL: string) {
  const socket = connect(Number(new URL(baseURL).port), 'localhost');
  socket.on('error', () => {});
  socket.write(`POST /api/auth/callback/credentials HTTP/1.1\r\nHost: ${new URL(baseURL).host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ncsrfToken=`);
  return new Promise<void>((resolve) => socket.once('close', () => resolve()));
}

test('SIGTERM amid a burst of sign-ins: each request accepted is answered, /readyz says 503, the process exits 0', async () => {
  const org = await TestOrg.create('optional');
  const users = await Promise.all(Array.from({ length: 12 }, () => org.user()));
  const url = databaseFor('burst');
  // One hash at a time, so that the burst lasts; a delay long enough for a loaded server to read the two requests sent in it.
  const env = { DESKGATE_HASH_WORKERS: '1', DESKGATE_HASHES_PER_ADDRESS: '1', DESKGATE_SHUTDOWN_DELAY_SECONDS: '3' };
  const { server, events } = await start('burst', ports()[0], url, env);
  const keptAlive = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const { baseURL } = server;
    const fields = await signInFields(baseURL);
    // Ready once its database answers within the deadline (on PostgreSQL the first check opens the pool, under load maybe later).
    await expect.poll(async () => (await send(`${baseURL}/readyz`, { agent: keptAlive })).status, { timeout: 15_000 }).toBe(200);
    // The first sign-in loads the code it runs: afterwards the burst reaches the server at once.
    expect(signedIn(await signIn(baseURL, fields, users[0]!))).toBe(true);
    const burst = users.slice(2).map((user) => signIn(baseURL, fields, user));
    // One hash at a time: when the first answer comes, the others are waiting their turn.
    await Promise.race(burst);
    server.signal('SIGTERM');
    const signalled = Date.now();
    await expect.poll(() => events().length, { intervals: [20] }).toBe(1);
    // During the delay a balancer asking on its kept-alive connection hears 503, and the connection closes; a new request is still served.
    const readyz = await send(`${baseURL}/readyz`, { agent: keptAlive });
    expect([readyz.status, readyz.headers.connection]).toEqual([503, 'close']);
    const late = await signIn(baseURL, fields, users[1]!);
    expect([outcome({ status: 'fulfilled', value: late }), late.headers.connection]).toEqual(['signed in', 'close']);
    const answers = await Promise.allSettled(burst);
    expect(answers.map(outcome)).toEqual(burst.map(() => 'signed in'));

    expect((await server.exited).code).toBe(0);
    expect(Date.now() - signalled, 'stopped within the delay and the drain time').toBeLessThan(3000 + 10_000);
    await expect(send(`${baseURL}/login`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const [draining, stopped, ...others] = events();
    expect(draining).toMatchObject({ event: 'server.draining', signal: 'SIGTERM', delaySeconds: 3, drainSeconds: 10 });
    expect(draining!.inFlight, 'the signal came in the middle of the burst').toBeGreaterThanOrEqual(1);
    expect(stopped).toMatchObject({ event: 'server.stopped', cutOff: 0 });
    expect(others, 'no shutdown hook failed').toEqual([]);
    // SQLite removes the write-ahead log when the last connection closes cleanly (a crash leaves it).
    if (store === 'sqlite') expect(existsSync(`${resolveDatabasePath(url)}-wal`), 'the database was closed').toBe(false);
  } finally {
    keptAlive.destroy();
    await server.stop();
  }
});

test('a request still running when the drain time ends is cut off, and the process still exits 0', async () => {
  const { server, events } = await start('cut-off', ports()[1], databaseFor('cut-off'), { DESKGATE_SHUTDOWN_DRAIN_SECONDS: '1' });
  try {
    const closed = hangingRequest(server.baseURL);
    await pause(300);
    server.signal('SIGTERM');
    const signalled = Date.now();
    expect((await server.exited).code).toBe(0);
    const took = Date.now() - signalled;
    expect(took, 'waited for the drain time').toBeGreaterThanOrEqual(1000);
    expect(took, 'then stopped').toBeLessThan(4000);
    await closed;
    // In flight at the signal: that request (and perhaps the page the start-up check fetched, still streaming).
    expect(events()).toMatchObject([{ event: 'server.draining' }, { event: 'server.stopped', cutOff: 1 }]);
  } finally {
    await server.stop();
  }
});

test('a second signal during the drain ends the process at once, and says so', async () => {
  const { server, events } = await start('forced', ports()[2], databaseFor('forced'), { DESKGATE_SHUTDOWN_DRAIN_SECONDS: '60' });
  try {
    void hangingRequest(server.baseURL);
    await pause(300);
    server.signal('SIGTERM');
    await pause(1500);
    server.signal('SIGINT');
    const signalled = Date.now();
    expect((await server.exited).code).toBe(1);
    expect(Date.now() - signalled).toBeLessThan(1000);
    expect(events()).toMatchObject([{ event: 'server.draining' }, { event: 'server.shutdown_forced', signal: 'SIGINT', inFlight: 1 }]);
  } finally {
    await server.stop();
  }
});

test('behind the balancer, an instance stopped amid a burst fails no request, and the balancer stops sending it any', async () => {
  test.setTimeout(90_000);
  const org = await TestOrg.create('optional');
  const users = await Promise.all(Array.from({ length: 6 }, () => org.user()));
  // SQLite: two processes on one copied file stand in for two instances (SQLite serializes their
  // writes); a deployment with two instances runs on PostgreSQL, where they share the test database.
  const url = databaseFor('balanced');
  const [firstPort, secondPort, balancerPort, blindPort] = ports();
  // The delay lets the balancer, asking /readyz every 250 ms, stop sending before the listener closes:
  // connections still in the listener's queue then are reset (a loaded instance answers its probe late, hence 3 s).
  const env = { DESKGATE_SHUTDOWN_DELAY_SECONDS: '3' };
  const [first, second] = await Promise.all([start('balanced-1', firstPort, url, env), start('balanced-2', secondPort, url, env)]);
  let exitedAt = Infinity;
  void second.server.exited.then(() => (exitedAt = Date.now()));
  const balancer = await startBalancer(balancerPort, [first.server, second.server], ['--health', '/readyz']);
  try {
    const fields = await signInFields(balancer.baseURL);
    const sent: { at: number; answer: Promise<Answer> }[] = [];
    for (let i = 0; i < 50; i++) {
      if (i === 10) second.server.signal('SIGTERM');
      sent.push({ at: Date.now(), answer: signIn(balancer.baseURL, fields, users[i % users.length]!) });
      await pause(120);
    }
    const answers = await Promise.allSettled(sent.map((s) => s.answer));
    expect(answers.map(outcome), `what the balancer saw:\n${balancer.output()}`).toEqual(sent.map(() => 'signed in'));
    const instances = answers.map((a) => (a as PromiseFulfilledResult<Answer>).value.headers['x-e2e-instance']);
    expect(new Set(instances.slice(0, 10)), 'both instances served before the signal').toEqual(new Set(['1', '2']));
    // A balancer whose probes are late (a loaded machine) may still send to the second instance after
    // the delay: it keeps accepting and answering until no connection comes for a moment, then closes.
    // Once it has exited, everything goes to the first.
    expect((await second.server.exited).code).toBe(0);
    const afterExit = instances.filter((_, i) => sent[i]!.at > exitedAt);
    expect(new Set(afterExit.length > 0 ? afterExit : ['1']), 'after the second exited, only the first answers').toEqual(new Set(['1']));
    expect(second.events().map((e) => e.event)).toEqual(['server.draining', 'server.stopped']);
    expect(balancer.output()).toMatch(/instance 2 \(port \d+\) is not ready \(503 .*"shutdown":"draining"/);

    // Without health checks nothing is lost either: the stopped instance refuses the connection and the request goes to the next.
    const blind = await startBalancer(blindPort, [second.server, first.server]);
    try {
      const viaBlind = await Promise.allSettled(users.map((user) => signIn(blind.baseURL, fields, user)));
      expect(viaBlind.map(outcome)).toEqual(users.map(() => 'signed in'));
      expect(blind.output()).toMatch(/instance 1 \(port \d+\): connect ECONNREFUSED .* goes to the next/);
    } finally {
      await blind.stop();
    }
  } finally {
    await balancer.stop();
    await Promise.all([first.server.stop(), second.server.stop()]);
  }
});

test('the server that npm start runs stops by itself when npm start dies without a word (SIGKILL)', async () => {
  const port = ports()[3] + Number(process.env.E2E_PORT_OFFSET ?? 0);
  const starter = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'lib/ops/start.ts'], {
    env: { ...process.env, ...serverEnv, DATABASE_URL: databaseFor('orphan'), PORT: String(port), METRICS_PORT: '', DESKGATE_LOG: 'on', NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  starter.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  starter.stderr!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const answers = async () => {
    try {
      return (await fetch(`http://localhost:${port}/healthz`)).ok;
    } catch {
      return false;
    }
  };
  try {
    await expect.poll(answers, { timeout: 60_000, message: printed }).toBe(true);
    starter.kill('SIGKILL');
    await expect.poll(answers, { timeout: 15_000 }).toBe(false);
    await expect.poll(() => printed, { timeout: 5_000 }).toContain('"event":"server.stopped"');
  } finally {
    starter.kill('SIGKILL');
  }
});
