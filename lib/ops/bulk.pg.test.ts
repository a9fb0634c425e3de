import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { rawRows } from '@/db';
import { createOrganization } from '@/lib/accounts/organizations';
import { bulkCreateUsers } from './bulk';

process.env.DESKGATE_LOG = 'off';

test('demo:bulk leaves the users table vacuumed and analyzed: index-only scans need not read the rows', async () => {
  const org = await createOrganization({ slug: 'bulk-vacuum', name: 'Bulk vacuum', policy: 'optional' }, { kind: 'operator' });
  await bulkCreateUsers({ id: org.id, slug: org.slug }, 1_000, () => {});
  const [stats] = await rawRows<{ vacuumed: boolean; analyzed: boolean; visible: number; pages: number }>(
    sql`select v.last_vacuum is not null as vacuumed, v.last_analyze is not null as analyzed, c.relallvisible as visible, c.relpages as pages from pg_stat_user_tables v join pg_class c on c.oid = v.relid where v.relname = 'users'`,
  );
  // last_vacuum and last_analyze record a VACUUM and an ANALYZE someone ran (autovacuum's have columns of their own).
  assert.ok(stats?.vacuumed && stats.analyzed, JSON.stringify(stats));
  // Only a vacuum marks pages all-visible (at this size not quite every page: 27 of 37 here).
  assert.ok(stats.visible > stats.pages / 2, JSON.stringify(stats));
});
