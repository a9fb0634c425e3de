// Loaded into a test server with `node --import` (see e2e/crash-safety.spec.ts); never in production.
//
// After every committed write — a transaction's COMMIT or (SQLite) a write outside a transaction —
// the whole process stands still for DESKGATE_COMMIT_PAUSE_MS. Two transactions that follow each
// other are otherwise microseconds apart: a kill would almost never land between them, and a reader
// would almost never see the state in between. With the pause, a crash at a random moment most
// likely lands right after some commit, and a reader polling more often than the pause sees every
// state the server ever committed. Nothing the server does changes, only when.
import Database from 'better-sqlite3';
import pg from 'pg';

const pauseMs = Number(process.env.DESKGATE_COMMIT_PAUSE_MS || 0);
const postgres = /^postgres(ql)?:\/\//i.test(process.env.DATABASE_URL ?? '');
const cell = new Int32Array(new SharedArrayBuffer(4));
let announced = false;
const pause = () => {
  if (!announced) {
    announced = true;
    console.log(`commit-pause: active, ${pauseMs} ms after every commit`);
  }
  Atomics.wait(cell, 0, 0, pauseMs);
};

/** better-sqlite3's statements are native objects; their prototype is shared by every connection in the process. */
function pauseSqliteCommits() {
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

/**
 * node-postgres: every pooled connection is a pg.Client (pg is external to the Next.js bundle, so
 * this is the app's copy). The app writes only inside transactions, so a COMMIT's answer is the moment.
 */
function pausePostgresCommits() {
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (config, values, callback) {
    const result = query.call(this, config, values, callback);
    const text = typeof config === 'string' ? config : config?.text;
    if (!/^\s*commit\b/i.test(text ?? '') || typeof result?.then !== 'function') return result;
    return result.then((answer) => {
      pause();
      return answer;
    });
  };
}

if (pauseMs > 0) {
  if (postgres) pausePostgresCommits();
  else pauseSqliteCommits();
}
