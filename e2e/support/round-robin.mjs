// A load balancer for the PostgreSQL run of the suite (and for trying two instances by hand):
//   node e2e/support/round-robin.mjs [--health /readyz] LISTEN_PORT BACKEND_PORT BACKEND_PORT…
// Each request — not each connection — goes to the next backend in turn, so one browser's page,
// form post and redirect land on different instances. Bodies stream both ways. It behaves as a
// balancer configured the usual way: Host kept, X-Forwarded-For appended with the address it saw,
// X-Forwarded-Host and -Proto set (a client's own are overwritten). The instances run with TRUST_PROXY=1.
// With --health, as nginx or HAProxy with health checks: each backend's PATH is asked every 250 ms
// and only those answering 200 get requests (none ready: all do). A backend that refuses the
// connection (stopped listening) gets nothing sent: the request goes to the next one.
import { Agent, createServer, get, request } from 'node:http';

const args = process.argv.slice(2);
const healthPath = args[0] === '--health' ? args.splice(0, 2)[1] : undefined;
const [listenPort, ...backendPorts] = args.map(Number);
if (!listenPort || backendPorts.length === 0 || backendPorts.some((p) => !p) || healthPath === '') {
  console.error('usage: node e2e/support/round-robin.mjs [--health PATH] LISTEN_PORT BACKEND_PORT [BACKEND_PORT…]');
  process.exit(2);
}

// Headers that describe one connection, not the message: never forwarded as they are.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'upgrade']);

/** Raw header pairs without the hop-by-hop ones (nor those the Connection header names). */
function endToEnd(rawHeaders, drop = []) {
  const named = new Set(drop);
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toLowerCase() === 'connection') for (const name of rawHeaders[i + 1].split(',')) named.add(name.trim().toLowerCase());
  }
  const kept = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (!HOP_BY_HOP.has(name) && !named.has(name)) kept.push(rawHeaders[i], rawHeaders[i + 1]);
  }
  return kept;
}

// A connection per request: a kept-alive one that an instance closes as the balancer sends on it
// would lose that request (a race no health check prevents when the probes are late).
const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
const ready = backendPorts.map(() => true);
const state = backendPorts.map(() => 'ready');

function probe(index) {
  const found = (isReady, why) => {
    const now = isReady ? 'ready' : `not ready (${why})`;
    if (now !== state[index]) console.log(`round-robin: instance ${index + 1} (port ${backendPorts[index]}) is ${now}`);
    state[index] = now;
    ready[index] = isReady;
  };
  const check = get({ host: '127.0.0.1', port: backendPorts[index], path: healthPath, agent: false, timeout: 2000 }, (reply) => {
    // What the instance said goes into the log line (its /readyz names the failed check).
    let body = '';
    reply.setEncoding('utf8');
    reply.on('data', (chunk) => (body += chunk.slice(0, 300 - body.length)));
    reply.on('end', () => found(reply.statusCode === 200, `${reply.statusCode} ${body.trim()}`.trim()));
  });
  check.on('timeout', () => check.destroy(new Error('no answer within 2 s')));
  check.on('error', (error) => found(false, error.code ?? error.message));
}
if (healthPath) setInterval(() => backendPorts.forEach((_, index) => probe(index)), 250);

let next = 0;
/** The backends to try for one request: the ready ones from the next in turn, then the others as a last resort. */
function candidates() {
  const start = next++;
  const turn = backendPorts.map((_, i) => (start + i) % backendPorts.length);
  return [...turn.filter((i) => ready[i]), ...turn.filter((i) => !ready[i])];
}

const server = createServer((req, res) => {
  const forwardedFor = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
  const headers = [
    ...endToEnd(req.rawHeaders, ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto']),
    'X-Forwarded-For', forwardedFor,
    'X-Forwarded-Host', req.headers.host ?? '',
    'X-Forwarded-Proto', 'http',
  ];
  let upstream;
  let clientGone = false;
  const attempt = ([index, ...others]) => {
    upstream = request({ host: '127.0.0.1', port: backendPorts[index], method: req.method, path: req.url, headers, agent, setHost: false });
    let sent = false;
    let answered = false;
    // The body goes once the connection is up: a refused connection leaves it unread, for the next backend.
    upstream.on('socket', (socket) => {
      const send = () => ((sent = true), req.pipe(upstream));
      if (socket.connecting) socket.once('connect', send);
      else send();
    });
    upstream.on('response', (reply) => {
      answered = true;
      const replyHeaders = endToEnd(reply.rawHeaders);
      replyHeaders.push('X-E2E-Instance', String(index + 1));
      // The instance gave up on this connection (e.g. it refused a body without reading it): so do we.
      if (/\bclose\b/i.test(reply.headers.connection ?? '')) replyHeaders.push('Connection', 'close');
      res.writeHead(reply.statusCode ?? 502, reply.statusMessage, replyHeaders);
      reply.pipe(res);
      reply.on('error', () => res.destroy());
    });
    upstream.on('error', (error) => {
      if (answered || clientGone) return res.destroy();
      if (!sent && others.length > 0) {
        console.error(`round-robin: instance ${index + 1} (port ${backendPorts[index]}): ${error.message}; ${req.method} ${req.url} goes to the next`);
        return attempt(others);
      }
      console.error(`round-robin: instance ${index + 1} (port ${backendPorts[index]}) failed ${req.method} ${req.url}: ${error.message}`);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end('The instance behind the balancer did not answer.\n');
    });
  };
  attempt(candidates());
  // The client went away: so does the request to the instance.
  res.on('close', () => {
    if (res.writableFinished) return;
    clientGone = true;
    upstream.destroy();
  });
});

server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(listenPort, () => console.log(`round-robin: http://localhost:${listenPort} -> ports ${backendPorts.join(', ')}`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
