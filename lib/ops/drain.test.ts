// Store-independent (HTTP draining only): the PostgreSQL unit run skips it (package.json test:unit:pg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { drainable, runHooks } from './drain.mjs';

/** A server whose requests to /slow wait until `release()`; every other path answers at once. */
async function slowServer() {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const server: Server = createServer((req, res) => {
    if (req.url === '/slow') void released.then(() => res.end('slow done'));
    else res.end('quick');
  });
  const drainer = drainable(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, drainer, release, port: (server.address() as AddressInfo).port };
}

function get(port: number, path: string, agent?: Agent): Promise<{ status: number; connection?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: agent ?? false }, (res: IncomingMessage) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a request in flight finishes; during the delay answers close their connection; then the listener closes', async () => {
  const { drainer, release, port } = await slowServer();
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  assert.equal((await get(port, '/quick', agent)).connection, 'keep-alive');
  const slow = get(port, '/slow');
  await pause(50);
  assert.equal(drainer.inFlight(), 1);
  const drained = drainer.drain({ delayMs: 300, drainMs: 5000 });
  const duringDelay = await get(port, '/quick', agent);
  assert.deepEqual([duringDelay.status, duringDelay.connection], [200, 'close']);
  await pause(400);
  await assert.rejects(get(port, '/quick'), { code: 'ECONNREFUSED' });
  release();
  assert.equal((await slow).body, 'slow done');
  assert.deepEqual(await drained, { cutOff: 0 });
  agent.destroy();
});

test('an idle kept-alive connection is closed when the listener closes', async () => {
  const { drainer, port } = await slowServer();
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  await get(port, '/quick', agent);
  const [socket] = Object.values(agent.freeSockets).flat();
  assert.ok(socket, 'the agent keeps the connection');
  const closed = new Promise((resolve) => socket.once('close', resolve));
  const started = Date.now();
  assert.deepEqual(await drainer.drain({ delayMs: 0, drainMs: 5000 }), { cutOff: 0 });
  await closed;
  assert.ok(Date.now() - started < 2000, 'the drain did not wait for the idle connection');
  agent.destroy();
});

test('a request still running when the drain time runs out is cut off', async () => {
  const { drainer, port } = await slowServer();
  const slow = get(port, '/slow');
  await pause(50);
  const started = Date.now();
  assert.deepEqual(await drainer.drain({ delayMs: 0, drainMs: 300 }), { cutOff: 1 });
  assert.ok(Date.now() - started < 1000);
  await assert.rejects(slow, { code: 'ECONNRESET' });
});

test('the hooks run in turn; a failure or a hook that hangs is reported and the next still runs', async () => {
  const ran: string[] = [];
  const reports: string[] = [];
  const hooks = [
    () => void ran.push('first'),
    () => Promise.reject(new Error('pool already closed')),
    () => new Promise<void>(() => ran.push('hangs')),
    async () => void ran.push('last'),
  ];
  await runHooks(hooks, 100, (message) => reports.push(message));
  assert.deepEqual(ran, ['first', 'hangs', 'last']);
  assert.deepEqual(reports, ['pool already closed', 'did not finish within 100 ms']);
});
