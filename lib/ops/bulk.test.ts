import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { db } from '@/db';
import { users } from '@/db/schema';
import { createOrganization } from '@/lib/accounts/organizations';
import { emailField } from '@/lib/validation/fields';
import { bulkCreateUsers } from './bulk';

process.env.DESKGATE_LOG = 'off';

test('demo:bulk users have addresses the sign-in form accepts, accented names included', async () => {
  const org = await createOrganization({ slug: 'bulk-test', name: 'Bulk', policy: 'optional' }, { kind: 'operator' });
  await bulkCreateUsers({ id: org.id, slug: org.slug }, 400, () => {});
  const rows = await (await db()).select({ email: users.email, name: users.name }).from(users).where(eq(users.orgId, org.id));
  assert.equal(rows.length, 400);
  assert.ok(rows.some((r) => r.name.includes('Müller')), 'names keep their accents');
  for (const { email } of rows) assert.equal(emailField.safeParse(email).data, email, email);
});
