import { test } from 'node:test';
import assert from 'node:assert/strict';
import { store } from '@/db';
import { plan, planOf, seedAdminTable } from '@/lib/testing/admin-table';
import { adoptionCounts, adoptionQuery, graceQuery, TWO_FACTOR_STATES, userTablePage, type UserTableQuery } from './admin-users';
import { db } from '@/db';

const { small, base } = await seedAdminTable();
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

test('the adoption counts read one index at 100,000 users, not the table rows nor other organizations', async () => {
  const details = [...(await planOf(adoptionQuery(await db(), base.orgId))), ...(await planOf(graceQuery(await db(), base.orgId, 'optional', 7, Date.now()))), ...(await planOf(graceQuery(await db(), base.orgId, 'required', 7, Date.now())))];
  // On PostgreSQL too, once the bulk load's VACUUM has marked the table's pages all-visible (an
  // index-only scan; before it, the planner rightly scanned the table).
  assert.ok(details.some((d) => /users_org_adoption_idx/.test(d)), `reads the adoption index: ${details.join(' | ')}`);
  for (const detail of details) assert.doesNotMatch(detail, fullScan, details.join(' | '));
  // Read in the index's order (grouped, or range by range): no sort of 100,000 entries in memory.
  for (const detail of details) assert.doesNotMatch(detail, sortsInMemory, details.join(' | '));
  const started = performance.now();
  const { total } = await adoptionCounts({ id: base.orgId, twoFactorPolicy: 'optional', twoFactorGraceDays: 7 });
  console.log(`adoption counts at ${total} users: ${(performance.now() - started).toFixed(1)} ms`);
  assert.equal(total, 100_000);
});
