import 'server-only';
import { sql } from 'drizzle-orm';
import { pendingMigrations, rawRows } from '@/db';
import { hashPoolSaturated } from '@/lib/auth/password';
import { isDraining } from './shutdown';

/** How long the database may take to answer before the instance counts as not ready. */
export const DATABASE_DEADLINE_MS = 1000;

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

/** /readyz: whether a balancer should send this instance requests. No secrets, no sessions, no writes. */
export async function readiness(deadlineMs = DATABASE_DEADLINE_MS): Promise<Readiness> {
  const shutdown: Check = isDraining() ? 'draining' : 'ok';
  const hashPool: Check = hashPoolSaturated() ? 'saturated' : 'ok';
  const checks = { shutdown, ...(await databaseChecks(deadlineMs)), hashPool };
  return { ready: Object.values(checks).every((c) => c === 'ok'), checks };
}
