// Stopping an HTTP server without dropping a request: used by lib/ops/server.mjs on SIGTERM.
import { Server as NetServer } from 'node:net';

// A connection that has not sent a request for this long after the listener closed is not a request in flight.
const UNUSED_CONNECTION_MS = 1000;
// The listener closes only after this long without a new connection (or when the drain time runs out):
// a connection the kernel completed but Node had not yet accepted would be reset by the close. A
// balancer that has taken the instance out sends nothing more; one whose probes are late still does.
const QUIET_MS = 250;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Follows `server`'s connections and requests from now on; `drain()` stops it gracefully:
 * responses carry `Connection: close` at once; after `delayMs`, once no connection has come for a
 * moment (within the drain time), the listener closes and idle
 * kept-alive connections go; the requests in flight get up to `drainMs` to finish, then every
 * connection left is closed. Node's own `server.close()` is not used: it would also close the
 * connections accepted a moment ago whose request it has not read yet.
 */
export function drainable(server) {
  const connections = new Map(); // socket → { active, served, since }
  const inFlight = new Set();
  let draining = false;
  let listening = true;
  let changed = () => {};

  const closeIfIdle = (socket, state) => {
    if (!listening && state.active === 0 && state.served > 0) socket.end();
  };
  let lastConnectionAt = 0;
  server.on('connection', (socket) => {
    lastConnectionAt = Date.now();
    connections.set(socket, { active: 0, served: 0, since: Date.now() });
    socket.once('close', () => {
      connections.delete(socket);
      changed();
    });
  });
  // First of the request listeners: the app's handler may answer synchronously.
  server.prependListener('request', (req, res) => {
    const state = connections.get(req.socket) ?? { active: 0, served: 0, since: Date.now() };
    state.active++;
    inFlight.add(res);
    if (draining) res.shouldKeepAlive = false;
    res.once('close', () => {
      state.active--;
      state.served++;
      inFlight.delete(res);
      closeIfIdle(req.socket, state);
      changed();
    });
  });

  /** Resolves once no request is in flight and no connection accepted before the close may still send one. */
  const settled = () =>
    new Promise((resolve) => {
      let timer;
      changed = () => {
        clearTimeout(timer);
        if (inFlight.size > 0) return;
        const unused = [...connections.values()].filter((s) => s.served === 0 && s.active === 0);
        const wait = Math.max(0, ...unused.map((s) => s.since + UNUSED_CONNECTION_MS - Date.now()));
        if (wait > 0) timer = setTimeout(changed, wait).unref();
        else resolve();
      };
      changed();
    });

  return {
    inFlight: () => inFlight.size,
    /** Returns how many requests were still running when the drain time ran out (and were cut off). */
    async drain({ delayMs, drainMs }) {
      draining = true;
      for (const res of inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
      await sleep(delayMs);
      const deadline = Date.now() + drainMs;
      // Ref'd timers: the loop must keep turning. Each turn's poll phase accepts what the kernel holds,
      // so a quiet check made from a timer has seen every connection that had arrived.
      while (Date.now() - lastConnectionAt < QUIET_MS && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      listening = false;
      NetServer.prototype.close.call(server);
      for (const [socket, state] of connections) closeIfIdle(socket, state);
      await Promise.race([settled(), sleep(Math.max(0, deadline - Date.now()))]);
      const cutOff = inFlight.size;
      for (const socket of connections.keys()) socket.destroy();
      return { cutOff };
    },
  };
}

/** Runs each hook in turn, giving each at most `timeoutMs`; a failure or a timeout is reported, never thrown. */
export async function runHooks(hooks, timeoutMs, report) {
  for (const hook of hooks) {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`did not finish within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([Promise.resolve().then(hook), timeout]);
    } catch (error) {
      report(error instanceof Error ? error.message : String(error));
    } finally {
      clearTimeout(timer);
    }
  }
}
