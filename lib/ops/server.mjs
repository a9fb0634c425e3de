// The production HTTP server: Next.js behind a thin layer that records who is really connecting.
// Plain JavaScript so that it runs without a compiler; `npm start` (lib/ops/start.ts) launches it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createServer } from 'node:http';
import next from 'next';

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

// Next fetches its own redirects during server actions: it must know where it listens.
const app = next({ dev: false, dir: process.cwd(), hostname: 'localhost', port });
const handle = app.getRequestHandler();

await app.prepare();

const server = createServer((req, res) => {
  // Only this server writes x-deskgate-peer; without a trusted proxy, forwarded headers are the client's own words.
  req.headers['x-deskgate-peer'] = req.socket.remoteAddress ?? 'unknown';
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

server.listen(port, () => {
  console.log(`Deskgate is ready on http://localhost:${port}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  });
}
