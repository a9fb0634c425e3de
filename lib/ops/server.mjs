// The production HTTP server: Next.js behind a thin layer that records who is really connecting.
// Plain JavaScript so that it runs without a compiler; `npm start` (lib/ops/start.ts) launches it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import next from 'next';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { drainable, runHooks } from './drain.mjs';

const port = Number(process.env.PORT || 3000);
const trustProxy = process.env.TRUST_PROXY === '1';
// Hosts besides our own that may post forms (as next.config.ts gives Next.js).
const allowedOrigins = (process.env.ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/** A POST whose Origin is another site: refused here with a plain 403 (Next.js would answer 500). */
function crossSite(req) {
  const origin = req.headers.origin;
  if (req.method !== 'POST' || origin === undefined) return false;
  let host;
  try {
    host = new URL(origin).host;
  } catch {
    return true; // "null" or garbage
  }
  const own = (trustProxy && req.headers['x-forwarded-host']) || req.headers.host;
  return host !== own && !allowedOrigins.includes(host);
}

// Whether a POST reached one of our server actions (lib/request.ts marks it). Shared through a
// global symbol because Next's bundles load their own copy of every module but this one.
const actionCalls = new AsyncLocalStorage();
globalThis[Symbol.for('deskgate.action-calls')] = actionCalls;
const UNREADABLE = 'This request could not be read. Reload the page and try again.\n';

/**
 * A forged server-action call that React cannot decode (a malformed argument list, a reference to
 * a part that is not there) fails inside Next.js before any of our code runs, and Next answers 500.
 * It is bad input: answered here with a plain 400. A 5xx after one of our actions ran is left as it is.
 */
function refuseUndecodableCalls(res, call) {
  const { writeHead, write, end, setHeader } = res;
  let replaced = false;
  const undecodable = (status) => status >= 500 && !call.entered && !res.headersSent;
  const replace = () => {
    replaced = true;
    // Whatever Next set for its answer (content-encoding, content-type, cookies) does not apply to ours.
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    writeHead.call(res, 400, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    end.call(res, UNREADABLE);
  };
  res.writeHead = function (status, ...rest) {
    if (replaced) return res;
    if (undecodable(status)) return replace(), res;
    return writeHead.call(res, status, ...rest);
  };
  res.setHeader = function (...args) {
    return replaced ? res : setHeader.apply(res, args);
  };
  res.write = function (...args) {
    if (!replaced && undecodable(res.statusCode)) replace();
    return replaced ? true : write.apply(res, args);
  };
  res.end = function (...args) {
    if (!replaced && undecodable(res.statusCode)) replace();
    return replaced ? res : end.apply(res, args);
  };
}

// The client address goes to lib/request.ts (lib/peer.ts) with a MAC under a key made at each start and
// handed over in memory: a client's own x-deskgate-peer is never believed, whatever serves the app.
const peerKey = randomBytes(32);
globalThis[Symbol.for('deskgate.peer-key')] = peerKey;

function recordPeer(req) {
  delete req.headers['x-deskgate-peer'];
  delete req.headers['x-deskgate-peer-mac'];
  delete req.headers['x-deskgate-listener'];
  const address = req.socket.remoteAddress;
  if (!address) return;
  req.headers['x-deskgate-peer'] = address;
  req.headers['x-deskgate-peer-mac'] = createHmac('sha256', peerKey).update(address).digest('base64url');
}

// Auth.js reads whole bodies into memory; no sign-in request comes near this. proxy.ts checks it too.
const AUTH_BODY_LIMIT = 64 * 1024;

/** Refuses an oversized body to /api/auth/* before anyone reads it; one without a length, too (411). */
function refuseOversizedAuthBody(req, res) {
  // The path as the router will see it (dot segments resolved); proxy.ts catches any other spelling.
  const path = new URL(`http://localhost/${(req.url ?? '').replace(/^\/+/, '')}`).pathname.replace(/\/{2,}/g, '/');
  if (!path.startsWith('/api/auth')) return false;
  const length = req.headers['content-length'];
  const status = length === undefined ? (req.headers['transfer-encoding'] ? 411 : 0) : Number(length) > AUTH_BODY_LIMIT ? 413 : 0;
  if (!status) return false;
  // Closing the connection stops Node from draining the rest of the body.
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', connection: 'close' });
  res.end(status === 413 ? 'Refused: this request is larger than 64 kB, more than any sign-in form sends.\n' : 'Refused: send this request with a Content-Length.\n');
  return true;
}

// The registry lib/ops/metrics.ts counts into (made here first, so every request is timed from the start).
const REGISTRY = Symbol.for('deskgate.metrics-registry');
if (!globalThis[REGISTRY]) {
  globalThis[REGISTRY] = new Registry();
  collectDefaultMetrics({ register: globalThis[REGISTRY] });
}
const requestSeconds = new Histogram({
  name: 'deskgate_http_request_duration_seconds',
  help: 'Requests from the first byte to the last byte of the answer, by route group, method and status class.',
  labelNames: ['group', 'method', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [globalThis[REGISTRY]],
});

/** A few groups, never the raw path: a label per URL would let any client grow the metrics without end. */
const ROUTE_GROUPS = [
  [/^\/(_next\/|favicon\.ico$|icon|robots\.txt$)/, 'static'],
  [/^\/(healthz|readyz|metrics|\.well-known\/)/, 'ops'],
  [/^\/api\/auth(\/|$)/, 'auth_api'],
  [/^\/login(\/|$)/, 'sign_in'],
  [/^\/profile(\/|$)/, 'profile'],
  [/^\/admin(\/|$)/, 'admin'],
];

function routeGroup(url) {
  const path = (url ?? '/').split('?')[0];
  return ROUTE_GROUPS.find(([pattern]) => pattern.test(path))?.[1] ?? 'other';
}

function timeRequest(req, res) {
  const end = requestSeconds.startTimer({ group: routeGroup(req.url), method: ['GET', 'HEAD', 'POST'].includes(req.method) ? req.method : 'other' });
  res.once('close', () => end({ status: res.writableFinished ? `${Math.floor(res.statusCode / 100)}xx` : 'aborted' }));
}

/**
 * The configuration the build resolved (.next/required-server-files.json), handed to Next.js as its own
 * standalone server hands it, instead of next.config.ts loaded again at every start: loading a
 * TypeScript config brings in the SWC compiler (26 MB resident) and the next-intl build plugin (with a
 * file watcher), which a production server never uses. Nothing in it is read at run time: the hosts
 * allowed to post forms (ALLOWED_ORIGINS) are part of the build stamp, so a change rebuilds.
 */
function builtConfig(dir) {
  try {
    return JSON.parse(readFileSync(path.join(dir, '.next', 'required-server-files.json'), 'utf8')).config;
  } catch {
    console.error('There is no complete build in .next: `npm start` builds first (or run `npx next build`).');
    process.exit(1);
  }
}
process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(builtConfig(process.cwd()));

// Next fetches its own redirects during server actions: it must know where it listens.
const app = next({ dev: false, dir: process.cwd(), hostname: 'localhost', port });
const handle = app.getRequestHandler();

await app.prepare();

const server = createServer((req, res) => {
  timeRequest(req, res);
  recordPeer(req);
  // Without a trusted proxy, forwarded headers are the client's own words.
  if (!trustProxy) {
    delete req.headers['x-forwarded-for'];
    delete req.headers['x-forwarded-host'];
    delete req.headers['x-forwarded-proto'];
    delete req.headers['x-forwarded-port'];
  }
  if (crossSite(req)) {
    res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end('Refused: this form was sent from another site. Open the page on this site and try again.\n');
    return;
  }
  if (refuseOversizedAuthBody(req, res)) return;
  if (req.method !== 'POST') return handle(req, res);
  // A form posted without JavaScript that meets a redirect (e.g. its session ended meanwhile)
  // must land with a GET: 307 would re-post the form to the sign-in page.
  const writeHead = res.writeHead.bind(res);
  res.writeHead = (status, ...rest) => writeHead(status === 307 || status === 308 ? 303 : status, ...rest);
  if (req.url?.startsWith('/api/')) return handle(req, res);
  const call = { entered: false };
  refuseUndecodableCalls(res, call);
  actionCalls.run(call, () => handle(req, res));
});

// Node closes a kept-alive socket after 5 s idle; a client (or balancer) that sends on it at that
// moment gets ECONNRESET. Idle sockets stay longer than a balancer's usual 60 s instead.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

/** Next's router catches uncaught errors and goes on: a port that cannot be had must stop the process. */
function listenFailed(setting, error) {
  console.error(`deskgate: cannot listen on ${setting} (${error.code ?? error.message}).`);
  process.exit(1);
}
server.on('error', (error) => listenFailed('PORT', error));

server.listen(port, () => {
  console.log(`Deskgate is ready on http://localhost:${port}`);
});

// METRICS_PORT: a second listener, on loopback only, that serves /metrics and nothing else (a scraper on
// this machine needs no token). The public port never grants access by address: a reverse proxy on the
// same machine would make every visitor look local. The app knows this listener by a MAC (lib/ops/metrics-access.ts).
const metricsPort = Number(process.env.METRICS_PORT || 0);
if (metricsPort) {
  const mark = createHmac('sha256', peerKey).update('listener:metrics').digest('base64url');
  const metricsServer = createServer((req, res) => {
    recordPeer(req);
    const path = (req.url ?? '').split('?')[0];
    // A browser on this machine reaching a rebound name (DNS rebinding) sends that name: only loopback's are answered.
    const local = [`127.0.0.1:${metricsPort}`, `localhost:${metricsPort}`].includes(req.headers.host ?? '');
    if (req.method !== 'GET' || path !== '/metrics' || !local) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end('This port serves GET /metrics only.\n');
      return;
    }
    req.headers['x-deskgate-listener'] = mark;
    handle(req, res);
  });
  // A port someone else holds is a scraper reading their numbers: stop, as for the public port.
  metricsServer.on('error', (error) => listenFailed('METRICS_PORT', error));
  metricsServer.listen(metricsPort, '127.0.0.1', () => console.log(`Metrics on http://127.0.0.1:${metricsPort}/metrics (this machine only)`));
  metricsServer.unref();
}

// lib/config.ts validates both (npm start checks the configuration before it starts this file).
const delayMs = Number(process.env.DESKGATE_SHUTDOWN_DELAY_SECONDS ?? 5) * 1000;
const drainMs = Number(process.env.DESKGATE_SHUTDOWN_DRAIN_SECONDS || 10) * 1000;
const HOOK_MS = 5000;
const drainer = drainable(server);

function log(event, fields) {
  if (process.env.DESKGATE_LOG !== 'off') console.log(JSON.stringify({ at: new Date().toISOString(), event, ...fields }));
}

let signalledAt = 0;

/**
 * SIGTERM: /readyz answers 503 (lib/ops/shutdown.ts), the requests in flight finish (see drain.mjs),
 * the app's shutdown hooks stop the hash workers and close the database, and the process exits 0.
 */
async function shutDown(signal) {
  if (signalledAt) {
    log('server.shutdown_forced', { signal, inFlight: drainer.inFlight() });
    process.exit(1);
  }
  signalledAt = Date.now();
  globalThis[Symbol.for('deskgate.draining')] = true;
  // Ctrl-C at a terminal has no balancer to tell: no delay. SIGTERM (an orchestrator, a deploy) waits
  // for the balancer's probes to see the 503 before the port closes.
  const delay = signal === 'SIGINT' ? 0 : delayMs;
  log('server.draining', { signal, inFlight: drainer.inFlight(), delaySeconds: delay / 1000, drainSeconds: drainMs / 1000 });
  const { cutOff } = await drainer.drain({ delayMs: delay, drainMs });
  const hooks = globalThis[Symbol.for('deskgate.shutdown-hooks')] ?? [];
  await runHooks(hooks, HOOK_MS, (error) => log('server.shutdown_hook_failed', { error }));
  log('server.stopped', { drainedMs: Date.now() - signalledAt, cutOff });
  process.exit(0);
}

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void shutDown(signal));
// Started by `npm start` (lib/ops/start.ts), which holds an IPC channel to this process: when it dies
// without forwarding a signal (SIGKILL, a crashed test runner), the channel closes and the server stops
// as on SIGTERM instead of living on, detached, on its port.
if (process.channel) {
  process.channel.unref();
  process.on('disconnect', () => {
    if (!signalledAt) void shutDown('SIGTERM');
  });
}
