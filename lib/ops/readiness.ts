import 'server-only';
import { sql } from 'drizzle-orm';
import { pendingMigrations, rawRows } from '@/db';
import { hashPoolSaturatedFor } from '@/lib/auth/password';
import { isDraining } from './shutdown';

/** How long the database may take to answer before the instance counts as not ready. */
export const DATABASE_DEADLINE_MS = 1000;
/** A database verdict serves every probe for this long: a flood of /readyz costs the database nothing more. */
const DATABASE_VERDICT_MS = 1000;
/**
 * A hash pool full for this long makes the instance not ready. A moment's burst does not: the pool
 * answers "busy" on its own, and a balancer that drops every instance of a fleet under one sign-in
 * flood would cut off the signed-in users too.
 */
export const HASH_POOL_GRACE_MS = 5000;

export type Check = 'ok' | 'draining' | 'pending' | 'slow' | 'unreachable' | 'saturated';

export interface Readiness {
  ready: boolean;
  checks: { shutdown: Check; database: Check; migrations: Check; hashPool: Check };
}

/** The work's result, or 'late' when it takes longer than `ms` (the work itself goes on). */
export function withinDeadline<T>(ms: number, work: Promise<T>): Promise<T | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(resolve, ms, 'late')));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** The database answers a trivial query and has every migration of this build, within the deadline. */
async function databaseChecks(deadlineMs: number): Promise<Pick<Readiness['checks'], 'database' | 'migrations'>> {
  try {
    const answer = await withinDeadline(deadlineMs, rawRows(sql`select 1`).then(() => pendingMigrations()));
    if (answer === 'late') return { database: 'slow', migrations: 'slow' };
    return { database: 'ok', migrations: answer === 0 ? 'ok' : 'pending' };
  } catch {
    // The reason goes to no one here: a balancer needs the verdict, and an error may name a host.
    return { database: 'unreachable', migrations: 'unreachable' };
  }
}

let verdict: { at: number; deadlineMs: number; checks: ReturnType<typeof databaseChecks> } | null = null;

/** The database's verdict, asked at most once a second whatever the number of probes. */
function recentDatabaseChecks(deadlineMs: number): ReturnType<typeof databaseChecks> {
  const now = performance.now();
  if (!verdict || verdict.deadlineMs !== deadlineMs || now - verdict.at >= DATABASE_VERDICT_MS) verdict = { at: now, deadlineMs, checks: databaseChecks(deadlineMs) };
  return verdict.checks;
}

/** /readyz: whether a balancer should send this instance requests. No secrets, no sessions, no writes. */
export async function readiness(deadlineMs = DATABASE_DEADLINE_MS, fresh = false): Promise<Readiness> {
  const shutdown: Check = isDraining() ? 'draining' : 'ok';
  const hashPool: Check = hashPoolSaturatedFor() >= HASH_POOL_GRACE_MS ? 'saturated' : 'ok';
  if (fresh) verdict = null;
  const checks = { shutdown, ...(await recentDatabaseChecks(deadlineMs)), hashPool };
  return { ready: Object.values(checks).every((c) => c === 'ok'), checks };
}
