import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

// One registry per process, on the global object: lib/ops/server.mjs (which times every request) and
// each of Next's bundles, which load their own copy of this module, all count into it.
const REGISTRY = Symbol.for('deskgate.metrics-registry');
const METRICS = Symbol.for('deskgate.metrics');
const shared = globalThis as unknown as { [REGISTRY]?: Registry; [METRICS]?: Metrics };

/** What the password pool reports (lib/auth/password-pool.ts), read when /metrics is scraped. */
export interface HashPoolState {
  queued: number;
  busy: number;
  size: number;
}
const POOL_STATE = Symbol.for('deskgate.hash-pool-state');
const poolHolder = globalThis as unknown as { [POOL_STATE]?: () => HashPoolState };

/** Lets /metrics and /readyz read the pool's state (the pool registers itself when it is made). */
export function reportHashPool(state: () => HashPoolState): void {
  poolHolder[POOL_STATE] = state;
}

export function hashPoolState(): HashPoolState | null {
  return poolHolder[POOL_STATE]?.() ?? null;
}

export function registry(): Registry {
  if (!shared[REGISTRY]) {
    shared[REGISTRY] = new Registry();
    collectDefaultMetrics({ register: shared[REGISTRY] });
  }
  return shared[REGISTRY];
}

const SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function define(register: Registry) {
  const registers = [register];
  return {
    signIns: new Counter({
      name: 'deskgate_sign_ins_total',
      help: 'Sign-in attempts by method (password, sso, passkey) and outcome (success, failed, locked, refused).',
      labelNames: ['method', 'outcome'] as const,
      registers,
    }),
    secondFactorFailures: new Counter({
      name: 'deskgate_second_factor_failures_total',
      help: 'Wrong second factors, by where they were asked (sign_in, step_up) and which (totp, recovery, webauthn).',
      labelNames: ['step', 'factor'] as const,
      registers,
    }),
    locks: new Counter({
      name: 'deskgate_locks_total',
      help: 'Locks that began: password_account, password_address, second_factor (throttle), second_factor_cap (until a reset).',
      labelNames: ['reason'] as const,
      registers,
    }),
    hashWait: new Histogram({
      name: 'deskgate_hash_wait_seconds',
      help: 'Time a password hash or comparison waited in the queue for a worker.',
      buckets: SECONDS,
      registers,
    }),
    hashQueue: new Gauge({
      name: 'deskgate_hash_queue_length',
      help: 'Password hashes and comparisons waiting for a worker.',
      registers,
      collect() {
        this.set(hashPoolState()?.queued ?? 0);
      },
    }),
    hashBusy: new Gauge({
      name: 'deskgate_hash_workers_busy',
      help: 'Hash workers running a job.',
      registers,
      collect() {
        this.set(hashPoolState()?.busy ?? 0);
      },
    }),
    mails: new Counter({
      name: 'deskgate_mails_total',
      help: 'Delivery attempts of outbox mails by this instance, by outcome: sent, deferred (to be retried), failed (given up after the last attempt). The outbox itself: npm run cli -- mail:status.',
      labelNames: ['outcome'] as const,
      registers,
    }),
    transactions: new Histogram({
      name: 'deskgate_db_transaction_seconds',
      help: 'Write transactions, from the call (waiting for the writer or the locks included) to the commit or rollback.',
      labelNames: ['outcome'] as const,
      buckets: SECONDS,
      registers,
    }),
  };
}

type Metrics = ReturnType<typeof define>;

export function metrics(): Metrics {
  return (shared[METRICS] ??= define(registry()));
}

type Fields = Record<string, unknown>;
type Count = (m: Metrics, fields: Fields) => void;

const secondFactor = (fields: Fields) => (fields.factor === 'recovery' || fields.factor === 'webauthn' ? fields.factor : 'totp');
const signInMethod = (fields: Fields) => (fields.method === 'sso' || fields.method === 'passkey' ? fields.method : 'password');

/** The security events (lib/log.ts) that are counted, and how. Every sign-in outcome is one of them, and every mail delivery attempt. */
const COUNTED: Record<string, Count> = {
  sign_in: (m, f) => m.signIns.inc({ method: signInMethod(f), outcome: 'success' }),
  'sign_in.recovery_code_used': (m) => m.signIns.inc({ method: 'password', outcome: 'success' }),
  'sign_in.failed': (m, f) => m.signIns.inc({ method: signInMethod(f), outcome: 'failed' }),
  'sign_in.sso_refused': (m) => m.signIns.inc({ method: 'sso', outcome: 'refused' }),
  'sign_in.second_factor_failed': (m, f) => m.secondFactorFailures.inc({ step: 'sign_in', factor: secondFactor(f) }),
  'sign_in.locked': (m, f) => {
    if (f.factor !== undefined) {
      m.secondFactorFailures.inc({ step: 'sign_in', factor: secondFactor(f) });
      m.locks.inc({ reason: 'second_factor' });
    } else m.locks.inc({ reason: f.throttle === 'ip' ? 'password_address' : 'password_account' });
  },
  'step_up.failed': (m, f) => {
    if (f.factor !== 'second' && f.factor !== 'webauthn') return;
    m.secondFactorFailures.inc({ step: 'step_up', factor: f.factor === 'webauthn' ? 'webauthn' : 'totp' });
    if (f.locked) m.locks.inc({ reason: 'second_factor' });
  },
  'mail.sent': (m) => m.mails.inc({ outcome: 'sent' }),
  'mail.deferred': (m) => m.mails.inc({ outcome: 'deferred' }),
  'mail.failed': (m) => m.mails.inc({ outcome: 'failed' }),
  '2fa.suspended': (m, f) => {
    m.secondFactorFailures.inc({ step: f.factor === 'second' ? 'step_up' : 'sign_in', factor: secondFactor(f) });
    m.locks.inc({ reason: 'second_factor_cap' });
  },
};

/** Counts a security event as lib/log.ts writes it (fields as logged: no secrets, low-cardinality labels only). */
export function countSecurityEvent(event: string, fields: Fields): void {
  COUNTED[event]?.(metrics(), fields);
}
