import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plan, seedAdminTable } from '@/lib/testing/admin-table';

// SQLite only: its covering indexes (PostgreSQL's name index holds lower(name), not the name a page shows).
const { base } = await seedAdminTable();

test('a search reads index entries only, by name and by email, in either sort order', async () => {
  for (const sort of ['name', 'email'] as const) {
    const details = (await plan({ ...base, sort, q: 'emma' })).filter((d) => d.startsWith('SEARCH'));
    assert.equal(details.length, 2, details.join(' | '));
    for (const detail of details) assert.match(detail, /USING COVERING INDEX users_org_(name|email)_idx/, `sort by ${sort}: ${details.join(' | ')}`);
  }
});
