import { test } from 'node:test';
import assert from 'node:assert/strict';
import { db } from '@/db';
import { createOrganization } from '@/lib/accounts/organizations';
import { bulkCreateUsers } from '@/lib/ops/bulk';
import { TWO_FACTOR_STATES, userTablePage, userTableQueries, type UserTableQuery } from './admin-users';

process.env.DESKGATE_LOG = 'off';
const org = createOrganization({ slug: 'big', name: 'Big', policy: 'optional' }, { kind: 'operator' });
const small = createOrganization({ slug: 'small', name: 'Small', policy: 'required' }, { kind: 'operator' });
await bulkCreateUsers({ id: org.id, slug: 'big' }, 100_000, () => {});
await bulkCreateUsers({ id: small.id, slug: 'small' }, 60, () => {});

function plan(query: UserTableQuery): string[] {
  return userTableQueries(query).flatMap((q) => {
    const { sql, params } = q.toSQL();
    return (db().$client.prepare(`explain query plan ${sql}`).all(...(params as unknown[])) as { detail: string }[]).map((r) => r.detail);
  });
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

test('the admin table query uses its indexes at 100,000 users: no full scan, no sort', () => {
  for (const [name, change] of cases) {
    const details = plan({ ...base, ...change });
    assert.ok(details.length > 0, name);
    for (const detail of details) {
      assert.doesNotMatch(detail, /^SCAN users(?! USING INDEX users_org)/, `${name}: ${details.join(' | ')}`);
      // A search sorts its email-prefix matches by name; everything else reads rows in index order.
      if (!change.q) assert.doesNotMatch(detail, /TEMP B-TREE/, `${name} sorts in memory: ${details.join(' | ')}`);
    }
  }
});

test('a search reads index entries only, by name and by email, in either sort order', () => {
  for (const sort of ['name', 'email'] as const) {
    const details = plan({ ...base, sort, q: 'emma' }).filter((d) => d.startsWith('SEARCH'));
    assert.equal(details.length, 2, details.join(' | '));
    for (const detail of details) assert.match(detail, /USING COVERING INDEX users_org_(name|email)_idx/, `sort by ${sort}: ${details.join(' | ')}`);
  }
});

test('pages walk the whole organization forwards and backwards without gaps or repeats', () => {
  const q: UserTableQuery = { orgId: small.id, policy: 'required', sort: 'name', dir: 'asc', limit: 25 };
  const seen: number[] = [];
  let page = userTablePage(q);
  seen.push(...page.rows.map((r) => r.id));
  while (page.hasNext) {
    const last = page.rows.at(-1)!;
    page = userTablePage({ ...q, cursor: { value: last.name, id: last.id, before: false } });
    seen.push(...page.rows.map((r) => r.id));
  }
  assert.equal(seen.length, 60);
  assert.equal(new Set(seen).size, 60);
  const lastPage = userTablePage({ ...q, last: true });
  assert.deepEqual(lastPage.rows.map((r) => r.id), seen.slice(-25));
  const first = lastPage.rows[0]!;
  const previous = userTablePage({ ...q, cursor: { value: first.name, id: first.id, before: true } });
  assert.deepEqual(previous.rows.map((r) => r.id), seen.slice(10, 35));
  assert.equal(userTablePage({ ...q, q: 'zzz-nobody' }).rows.length, 0);
  // A search finds by name prefix and by email prefix, once each, in name order.
  const found = userTablePage({ ...q, q: 'ada' }).rows;
  assert.ok(found.length > 0 && found.every((r) => r.name.toLowerCase().startsWith('ada') || r.email.startsWith('ada')));
  assert.equal(new Set(found.map((r) => r.id)).size, found.length);
  const byEmail = userTablePage({ ...q, q: found[0]!.email }).rows;
  assert.deepEqual(byEmail.map((r) => r.id), [found[0]!.id]);
  // Under "required", nobody without 2FA is "not set up": they are all "required".
  assert.equal(userTablePage({ ...q, state: 'not_set_up' }).rows.length, 0);
  assert.ok(userTablePage({ ...q, state: 'required' }).rows.length > 0);
});
