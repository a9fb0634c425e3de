// Loaded into a test server with `node --import` (see e2e/crash-safety.spec.ts); never in production.
//
// After every committed write — a transaction's COMMIT or a write outside a transaction — the whole
// process stands still for DESKGATE_COMMIT_PAUSE_MS. Two transactions that follow each other in
// synchronous code are otherwise microseconds apart: a kill would almost never land between them,
// and a reader would almost never see the state in between. With the pause, a crash at a random
// moment most likely lands right after some commit, and a reader polling more often than the pause
// sees every state the server ever committed. Nothing the server does changes, only when.
import Database from 'better-sqlite3';

const pauseMs = Number(process.env.DESKGATE_COMMIT_PAUSE_MS || 0);
if (pauseMs > 0) {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  let announced = false;
  const pause = () => {
    if (!announced) {
      announced = true;
      console.log(`commit-pause: active, ${pauseMs} ms after every commit`);
    }
    Atomics.wait(cell, 0, 0, pauseMs);
  };
  // Statements are native objects; their prototype is shared by every connection in the process.
  const probe = new Database(':memory:');
  const Statement = Object.getPrototypeOf(probe.prepare('SELECT 1'));
  probe.close();
  for (const method of ['run', 'get', 'all']) {
    const original = Statement[method];
    Statement[method] = function (...args) {
      const result = original.apply(this, args);
      // Out of a transaction after a COMMIT (which SQLite counts as read-only) or after a write: committed.
      if (!this.database.inTransaction && (!this.readonly || /^\s*(COMMIT|END)\b/i.test(this.source))) pause();
      return result;
    };
  }
}
