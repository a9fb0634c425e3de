import { test } from 'node:test';
import assert from 'node:assert/strict';
import { database, db, store, type PostgresHandle, type SqliteHandle } from '@/db';
import { createOrganization } from '@/lib/accounts/organizations';
import { bulkCreateUsers } from '@/lib/ops/bulk';
import { TWO_FACTOR_STATES, userTablePage, userTableQueries, type UserTableQuery } from './admin-users';

process.env.DESKGATE_LOG = 'off';
const org = await createOrganization({ slug: 'big', name: 'Big', policy: 'optional' }, { kind: 'operator' });
const small = await createOrganization({ slug: 'small', name: 'Small', policy: 'required' }, { kind: 'operator' });
await bulkCreateUsers({ id: org.id, slug: 'big' }, 100_000, () => {});
await bulkCreateUsers({ id: small.id, slug: 'small' }, 60, () => {});

const reader = await db();
type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: PlanNode[] };
const steps = (node: PlanNode): string[] => [
  [node['Node Type'], node['Relation Name'] && `on ${node['Relation Name']}`, node['Index Name'] && `using ${node['Index Name']}`].filter(Boolean).join(' '),
  ...(node.Plans ?? []).flatMap(steps),
];

/** The plan of each query of a page, one line per step: SQLite's `explain query plan`, PostgreSQL's plan nodes. */
async function plan(query: UserTableQuery): Promise<string[]> {
  const handle = await database();
  const plans = userTableQueries(reader, query).map(async (q) => {
    const { sql, params } = q.toSQL();
    if (store === 'sqlite') return ((handle as SqliteHandle).writer.prepare(`explain query plan ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
    const { rows } = await (handle as PostgresHandle).pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`explain (format json) ${sql}`, params);
    return steps(rows[0]!['QUERY PLAN'][0].Plan);
  });
  return (await Promise.all(plans)).flat();
}

const base: UserTableQuery = { orgId: org.id, policy: 'optional', sort: 'name', dir: 'asc', limit: 25 };
const cursor = { value: 'Keiko', id: 50_000, before: false };
const cases: [string, Partial<UserTableQuery>][] = [
  ['first page by name', {}],
  ['first page by email, descending', { sort: 'email', dir: 'desc' }],
  ['next page', { cursor }],
  ['previous page', { cursor: { ...cursor, before: true } }],
  ['last page', { last: true }],
  ['prefix search', { q: 'emma' }],
  ...TWO_FACTOR_STATES.map((state): [string, Partial<UserTableQuery>] => [`filter ${state}`, { state }]),
  ['SSO users', { method: 'sso' }],
  ['filter and next page', { state: 'enabled', cursor }],
];

const fullScan = store === 'postgres' ? /^Seq Scan on users/ : /^SCAN users(?! USING INDEX users_org)/;
const sortsInMemory = store === 'postgres' ? /Sort/ : /TEMP B-TREE/;

test('the admin table query uses its indexes at 100,000 users: no full scan, no sort', async () => {
  for (const [name, change] of cases) {
    const details = await plan({ ...base, ...change });
    assert.ok(details.some((d) => /users_org_(name|email|state_name|state_email)_idx/.test(d)), `${name} reads an index of the table: ${details.join(' | ')}`);
    for (const detail of details) {
      assert.doesNotMatch(detail, fullScan, `${name}: ${details.join(' | ')}`);
      // A search sorts its email-prefix matches by name; everything else reads rows in index order.
      if (!change.q) assert.doesNotMatch(detail, sortsInMemory, `${name} sorts in memory: ${details.join(' | ')}`);
    }
  }
});

const coveringOnly = store === 'postgres' ? "SQLite only: its covering indexes (PostgreSQL's name index holds lower(name), not the name a page shows)" : false;

test('a search reads index entries only, by name and by email, in either sort order', { skip: coveringOnly }, async () => {
  for (const sort of ['name', 'email'] as const) {
    const details = (await plan({ ...base, sort, q: 'emma' })).filter((d) => d.startsWith('SEARCH'));
    assert.equal(details.length, 2, details.join(' | '));
    for (const detail of details) assert.match(detail, /USING COVERING INDEX users_org_(name|email)_idx/, `sort by ${sort}: ${details.join(' | ')}`);
  }
});

test('pages walk the whole organization forwards and backwards without gaps or repeats', async () => {
  const q: UserTableQuery = { orgId: small.id, policy: 'required', sort: 'name', dir: 'asc', limit: 25 };
  const seen: number[] = [];
  let page = await userTablePage(q);
  seen.push(...page.rows.map((r) => r.id));
  while (page.hasNext) {
    const last = page.rows.at(-1)!;
    page = await userTablePage({ ...q, cursor: { value: last.name, id: last.id, before: false } });
    seen.push(...page.rows.map((r) => r.id));
  }
  assert.equal(seen.length, 60);
  assert.equal(new Set(seen).size, 60);
  const lastPage = await userTablePage({ ...q, last: true });
  assert.deepEqual(lastPage.rows.map((r) => r.id), seen.slice(-25));
  const first = lastPage.rows[0]!;
  const previous = await userTablePage({ ...q, cursor: { value: first.name, id: first.id, before: true } });
  assert.deepEqual(previous.rows.map((r) => r.id), seen.slice(10, 35));
  assert.equal((await userTablePage({ ...q, q: 'zzz-nobody' })).rows.length, 0);
  // A search finds by name prefix and by email prefix, once each, in name order.
  const found = (await userTablePage({ ...q, q: 'ada' })).rows;
  assert.ok(found.length > 0 && found.every((r) => r.name.toLowerCase().startsWith('ada') || r.email.startsWith('ada')));
  assert.equal(new Set(found.map((r) => r.id)).size, found.length);
  const byEmail = (await userTablePage({ ...q, q: found[0]!.email })).rows;
  assert.deepEqual(byEmail.map((r) => r.id), [found[0]!.id]);
  // Under "required", nobody without 2FA is "not set up": they are all "required".
  assert.equal((await userTablePage({ ...q, state: 'not_set_up' })).rows.length, 0);
  assert.ok((await userTablePage({ ...q, state: 'required' })).rows.length > 0);
});
