import { database, db, store, type PostgresHandle, type SqliteHandle } from '@/db';
import { userTableQueries, type UserTableQuery } from '@/db/queries/admin-users';
import { createOrganization } from '@/lib/accounts/organizations';
import { bulkCreateUsers } from '@/lib/ops/bulk';

/** Organizations the size the admin table's plans are checked at: 100,000 users ("big"), and 60 ("small", 2FA required). */
export async function seedAdminTable() {
  process.env.DESKGATE_LOG = 'off';
  const org = await createOrganization({ slug: 'big', name: 'Big', policy: 'optional' }, { kind: 'operator' });
  const small = await createOrganization({ slug: 'small', name: 'Small', policy: 'required' }, { kind: 'operator' });
  await bulkCreateUsers({ id: org.id, slug: 'big' }, 100_000, () => {});
  await bulkCreateUsers({ id: small.id, slug: 'small' }, 60, () => {});
  // (On PostgreSQL the bulk load ends with VACUUM ANALYZE: without statistics the planner guesses the
  // 2FA filters match a handful of rows and sorts them rather than read an ordered index.)
  const base: UserTableQuery = { orgId: org.id, policy: 'optional', sort: 'name', dir: 'asc', limit: 25 };
  return { small, base };
}

type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: PlanNode[] };
const steps = (node: PlanNode): string[] => [
  [node['Node Type'], node['Relation Name'] && `on ${node['Relation Name']}`, node['Index Name'] && `using ${node['Index Name']}`].filter(Boolean).join(' '),
  ...(node.Plans ?? []).flatMap(steps),
];

/** The plan of each query of a page, one line per step: SQLite's `explain query plan`, PostgreSQL's plan nodes. */
export async function plan(query: UserTableQuery): Promise<string[]> {
  return (await Promise.all(userTableQueries(await db(), query).map(planOf))).flat();
}

/** The plan of any one query, in the same form. */
export async function planOf(q: { toSQL(): { sql: string; params: unknown[] } }): Promise<string[]> {
  const handle = await database();
  const { sql, params } = q.toSQL();
  if (store === 'sqlite') return ((handle as SqliteHandle).writer.prepare(`explain query plan ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
  const { rows } = await (handle as PostgresHandle).pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`explain (format json) ${sql}`, params);
  return steps(rows[0]!['QUERY PLAN'][0].Plan);
}
