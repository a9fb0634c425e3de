import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setUserDeactivated } from '@/lib/accounts/deactivation';
import { inviteUser } from '@/lib/accounts/invitations';
import { createOrganization } from '@/lib/accounts/organizations';
import { createUser } from '@/lib/accounts/users';
import { statusOf, userTablePage, type UserTableQuery } from './admin-users';

process.env.DESKGATE_LOG = 'off';
const operator = { kind: 'operator' } as const;
const org = await createOrganization({ slug: 'statuses', name: 'Statuses', policy: 'optional' }, operator);
const ctx = { actor: operator, orgId: org.id, ip: null };
const expected: Record<string, number[]> = { active: [], invited: [], deactivated: [] };
for (let i = 0; i < 24; i += 1) {
  const name = `${String.fromCharCode(65 + i)}lex ${i}`;
  if (i % 4 === 3) {
    const invited = await inviteUser({ email: `s${i}@statuses.example`, name, role: 'member', method: 'password' }, ctx);
    expected.invited!.push('id' in invited ? invited.id : 0);
    continue;
  }
  const user = await createUser({ org: 'statuses', email: `s${i}@statuses.example`, name, role: 'member', method: 'password', password: 'password-1' }, operator);
  if (i % 3 === 0) await setUserDeactivated(user.id, true, ctx);
  expected[i % 3 === 0 ? 'deactivated' : 'active']!.push(user.id);
}

/** Every row of the filtered table, walked forwards page by page. */
async function walk(query: UserTableQuery) {
  const seen: number[] = [];
  let page = await userTablePage(query);
  seen.push(...page.rows.map((r) => r.id));
  while (page.hasNext) {
    const last = page.rows.at(-1)!;
    page = await userTablePage({ ...query, cursor: { value: last.name, id: last.id, before: false } });
    seen.push(...page.rows.map((r) => r.id));
  }
  return { seen };
}

test('the status filter pages through exactly its users, alone and with a search', async () => {
  const base: UserTableQuery = { orgId: org.id, policy: 'optional', sort: 'name', dir: 'asc', limit: 4 };
  for (const status of ['active', 'invited', 'deactivated'] as const) {
    const { seen } = await walk({ ...base, status });
    assert.deepEqual([...seen].sort((a, b) => a - b), [...expected[status]!].sort((a, b) => a - b), status);
    const page = await userTablePage({ ...base, status, limit: 100 });
    assert.ok(page.rows.every((r) => statusOf(r) === status), `${status}: every row shows as ${status}`);
  }
  const searched = await userTablePage({ ...base, status: 'deactivated', q: 'alex', limit: 100 });
  assert.deepEqual(searched.rows.map((r) => r.name), ['Alex 0']);
});
