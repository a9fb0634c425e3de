import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { writeTransaction } from '@/db';
import { users } from '@/db/schema';
import { userTablePage, type UserTableQuery } from '@/db/queries/admin-users';
import { createOrganization } from '@/lib/accounts/organizations';
import { createUser } from '@/lib/accounts/users';
import { csvRow } from './csv';
import { USERS_CSV_HEADER, userCsvPages, type UserExportQuery } from './users-csv';

process.env.DESKGATE_LOG = 'off';
const operator = { kind: 'operator' } as const;
const org = await createOrganization({ slug: 'csv-users', name: 'Csv users', policy: 'optional' }, operator);
const add = (email: string, name: string, extra: { role?: 'admin' | 'member'; sso?: boolean } = {}) =>
  createUser({ org: 'csv-users', email, name, role: extra.role ?? 'member', method: extra.sso ? 'sso' : 'password', password: extra.sso ? undefined : 'password-1' }, operator);

const SIGNED_IN = Date.UTC(2026, 10, 30, 8, 15, 0, 250);
const TOTP_USED = Date.UTC(2026, 11, 1, 9, 0, 0);
const ada = await add('ada@csv.example', 'Ada Admin', { role: 'admin' });
await add('eve@csv.example', '=HYPERLINK("http://evil.example","x")');
await add('sso@csv.example', '@Sso, Person', { sso: true });
const req = await add('req@csv.example', '-Required');
// Ada has an app and 7 codes left; Req must set 2FA up.
await writeTransaction(async (tx) => {
  await tx.update(users).set({ totpEnabledAt: SIGNED_IN - 1000, recoveryCodesLeft: 7, lastSignInAt: SIGNED_IN, totpLastUsedAt: TOTP_USED }).where(eq(users.id, ada.id));
  await tx.update(users).set({ twoFactorRequired: true }).where(eq(users.id, req.id));
});
// 23 more, so that small batches take several pages.
for (let i = 0; i < 23; i += 1) await add(`m${String(i).padStart(2, '0')}@csv.example`, `Member ${String(i).padStart(2, '0')}`);

const base: UserExportQuery = { orgId: org.id, policy: 'optional', sort: 'name', dir: 'asc' };
const all = async (query: UserExportQuery, batch?: number) => {
  const chunks: string[] = [];
  for await (const chunk of userCsvPages(query, batch)) chunks.push(chunk);
  return chunks;
};

test('each user is one record: the table’s columns, its 2FA state, times in UTC ISO 8601, formula cells neutralised', async () => {
  assert.equal(USERS_CSV_HEADER, 'name,email,role,sign_in_method,two_factor,recovery_codes_left,last_sign_in_utc,last_2fa_use_utc\r\n');
  const records = (await all(base)).join('').split('\r\n');
  assert.ok(records.includes('Ada Admin,ada@csv.example,admin,password,enabled,7,2026-11-30T08:15:00.250Z,2026-12-01T09:00:00.000Z'));
  // Codes left only with a second factor (as the table's "—"); never-signed-in times are empty.
  assert.ok(records.includes(`"'=HYPERLINK(""http://evil.example"",""x"")",eve@csv.example,member,password,not_set_up,,,`));
  assert.ok(records.includes(`"'@Sso, Person",sso@csv.example,member,sso,sso,,,`));
  assert.ok(records.includes(`'-Required,req@csv.example,member,password,required,,,`));
});

test('the export walks every keyset page of the filtered table, in its order, without gaps or repeats', async () => {
  const queries: UserExportQuery[] = [base, { ...base, sort: 'email', dir: 'desc' }, { ...base, q: 'member 1' }, { ...base, state: 'not_set_up' }, { ...base, method: 'sso' }, { ...base, q: 'zzz' }];
  for (const query of queries) {
    // The table's rows, read as one big page.
    const table = await userTablePage({ ...query, limit: 1000 } as UserTableQuery);
    const whole = (await all(query)).join('');
    assert.equal(whole.split('\r\n').length - 1, table.rows.length, JSON.stringify(query));
    assert.deepEqual(whole.split('\r\n').slice(0, -1).map((r) => r.split(',').at(-7)), table.rows.map((u) => u.email), JSON.stringify(query));
    // In pages of 4: the same bytes, one chunk per page.
    const paged = await all(query, 4);
    assert.equal(paged.join(''), whole, JSON.stringify(query));
    assert.equal(paged.length, Math.ceil(table.rows.length / 4), JSON.stringify(query));
  }
  assert.equal((await all(base, 4)).join('').split('\r\n').length - 1, 27);
});

test('a row is written exactly as csvRow writes it (one writer for both exports)', async () => {
  const [first] = await all({ ...base, q: 'ada' });
  assert.equal(first, csvRow(['Ada Admin', 'ada@csv.example', 'admin', 'password', 'enabled', 7, new Date(SIGNED_IN).toISOString(), new Date(TOTP_USED).toISOString()]));
});
