import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eq, inArray } from 'drizzle-orm';
import { writeTransaction } from '@/db';
import { organizations, users, type TwoFactorPolicy } from '@/db/schema';
import { setUserDeactivated } from '@/lib/accounts/deactivation';
import { inviteUser } from '@/lib/accounts/invitations';
import { createOrganization } from '@/lib/accounts/organizations';
import { createUser } from '@/lib/accounts/users';
import { graceStanding } from '@/lib/auth/policy';
import { adoptionCounts, stateOf, TWO_FACTOR_STATES, userTablePage, type UserTableQuery } from './admin-users';

process.env.DESKGATE_LOG = 'off';
const DAY = 86_400_000;
const now = Date.now();
const operator = { kind: 'operator' } as const;
const org = await createOrganization({ slug: 'adoption', name: 'Adoption', policy: 'optional' }, operator);
// Another organization's users must never count.
const other = await createOrganization({ slug: 'adoption-other', name: 'Other', policy: 'optional' }, operator);
const ctx = { actor: operator, orgId: org.id, ip: null };

/** Every kind of account the table shows: each state, flagged or not, invited, deactivated, grace clocks in every standing. */
async function seed(slug: string, orgId: number, n: number) {
  const ids: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const email = `u${i}@${slug}.example`;
    const name = `${String.fromCharCode(65 + (i % 26))}na ${i}`;
    let id: number;
    if (i % 9 === 8) {
      const invited = await inviteUser({ email, name, role: 'member', method: i % 2 ? 'sso' : 'password' }, { ...ctx, orgId });
      id = 'id' in invited ? invited.id : 0;
    } else {
      id = (await createUser({ org: slug, email, name, role: 'member', method: i % 7 === 0 ? 'sso' : 'password', password: i % 7 === 0 ? undefined : 'password-1' }, operator)).id;
    }
    const change: Partial<typeof users.$inferInsert> = {};
    if (i % 5 === 1) change.totpEnabledAt = now;
    if (i % 5 === 2) change.webauthnKeyCount = 1;
    if (i % 3 === 0) change.twoFactorRequired = true;
    // Grace clocks: still running (two deadlines), ended, and none.
    if (i % 4 === 1) change.twoFactorGraceStartedAt = now - DAY;
    if (i % 4 === 2) change.twoFactorGraceStartedAt = now - 2 * DAY;
    if (i % 4 === 3) change.twoFactorGraceStartedAt = now - 30 * DAY;
    // The earliest running clock lies with the flagged users for a 3-day grace period and with the
    // others for a 45-day one, so that counting them apart (SQLite reads each flag's range on its own)
    // must still find the least of both.
    if (i % 4 === 2 && i % 3 === 0) change.twoFactorGraceStartedAt = now - 2.5 * DAY;
    if (i % 4 === 3 && i % 3 !== 0) change.twoFactorGraceStartedAt = now - 31 * DAY;
    if (Object.keys(change).length) await writeTransaction((tx) => tx.update(users).set(change).where(eq(users.id, id)));
    if (i % 6 === 5) await setUserDeactivated(id, true, { ...ctx, orgId });
    ids.push(id);
  }
  return ids;
}
const ids = await seed('adoption', org.id, 60);
await seed('adoption-other', other.id, 20);

/** How many rows the users table shows under a filter, walked page by page. */
async function tableRows(query: UserTableQuery): Promise<number> {
  let count = 0;
  let page = await userTablePage(query);
  count += page.rows.length;
  while (page.hasNext) {
    const last = page.rows.at(-1)!;
    page = await userTablePage({ ...query, cursor: { value: last.name, id: last.id, before: false } });
    count += page.rows.length;
  }
  return count;
}

async function setOrg(policy: TwoFactorPolicy, graceDays: number) {
  await writeTransaction((tx) => tx.update(organizations).set({ twoFactorPolicy: policy, twoFactorGraceDays: graceDays }).where(eq(organizations.id, org.id)));
  return { id: org.id, twoFactorPolicy: policy, twoFactorGraceDays: graceDays };
}

test('each adoption count equals the row count of the users table filtered by that state, under every policy', async () => {
  for (const policy of ['off', 'optional', 'required'] as const) {
    const current = await setOrg(policy, 0);
    const adoption = await adoptionCounts(current, now);
    for (const state of TWO_FACTOR_STATES) {
      const rows = await tableRows({ orgId: org.id, policy, state, sort: 'name', dir: 'asc', limit: 7 });
      assert.equal(adoption.counts[state], rows, `${policy}: ${state}`);
    }
    assert.equal(adoption.total, ids.length, `${policy}: every account of the organization once, invited and deactivated included`);
    assert.equal(adoption.counts.sso, await tableRows({ orgId: org.id, policy, method: 'sso', sort: 'name', dir: 'asc', limit: 50 }), `${policy}: SSO equals the method filter`);
  }
});

test('the "required, not set up" count is broken down by grace standing as each row shows it', async () => {
  for (const [policy, days] of [['optional', 3], ['required', 3], ['required', 0], ['optional', 45], ['required', 45]] as const) {
    const current = await setOrg(policy, days);
    const adoption = await adoptionCounts(current, now);
    const rows = await writeTransaction((tx) =>
      tx.select({ signInMethod: users.signInMethod, twoFactorRequired: users.twoFactorRequired, totpEnabledAt: users.totpEnabledAt, webauthnKeyCount: users.webauthnKeyCount, startedAt: users.twoFactorGraceStartedAt }).from(users).where(inArray(users.id, ids)),
    );
    const standings = rows.filter((u) => stateOf(u, policy) === 'required').map((u) => graceStanding(u, policy, { days, startedAt: u.startedAt }, now));
    const expected = {
      inGrace: standings.filter((s) => s.kind === 'grace').length,
      unstarted: standings.filter((s) => s.kind === 'unstarted').length,
      due: standings.filter((s) => s.kind === 'due').length,
      overdue: standings.filter((s) => s.kind === 'due' && s.deadline !== null).length,
      nearestDeadline: standings.reduce<number | null>((min, s) => (s.kind === 'grace' && (min === null || s.deadline < min) ? s.deadline : min), null),
    };
    assert.deepEqual(adoption.required, expected, `${policy}, ${days} days`);
    assert.equal(expected.inGrace + expected.unstarted + expected.due, adoption.counts.required);
    if (days === 3) assert.ok(expected.inGrace > 0 && expected.overdue > 0 && expected.unstarted > 0, 'the seed covers every standing');
  }
});
