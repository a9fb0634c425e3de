import { test } from 'node:test';
import assert from 'node:assert/strict';
import { database, db, store, writeTransaction, type PostgresHandle, type SqliteHandle } from '@/db';
import { auditEvents, users } from '@/db/schema';
import { createOrganization } from '@/lib/accounts/organizations';
import { createUser } from '@/lib/accounts/users';
import { audit } from '@/lib/audit';
import { AUDIT_ACTIONS, describeEvent } from '@/lib/audit-events';
import { auditPage, auditPageQuery, matchUsers, type AuditQuery } from './audit';

// Both stores: the audit log's filters and paging over 100,000 events of one organization.
process.env.DESKGATE_LOG = 'off';
const operator = { kind: 'operator' } as const;
const org = await createOrganization({ slug: 'audited', name: 'Audited', policy: 'optional' }, operator);
const other = await createOrganization({ slug: 'elsewhere', name: 'Elsewhere', policy: 'optional' }, operator);
const ada = await createUser({ org: 'audited', email: 'ada@audited.example', name: 'Ada Admin', role: 'admin', method: 'password', password: 'password-1' }, operator);
const max = await createUser({ org: 'audited', email: 'max@audited.example', name: 'Max Member', role: 'member', method: 'password', password: 'password-1' }, operator);
const stranger = await createUser({ org: 'elsewhere', email: 'max@elsewhere.example', name: 'Max Stranger', role: 'member', method: 'password', password: 'password-1' }, operator);

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const EVENTS = 100_000;

// 101 users whose names start alike (one more than a user filter may match), in one multi-row insert.
const filler = await writeTransaction((tx) =>
  tx
    .insert(users)
    .values(Array.from({ length: 101 }, (_, i) => ({ orgId: org.id, email: `filler${i}@audited.example`, name: `Filler ${i}`, role: 'member' as const, signInMethod: 'password' as const })))
    .returning({ id: users.id }),
);

// One event a minute from T0: every 100th an admin's 2FA reset of Max, the rest sign-ins of the fillers.
const before = (await (await db()).select({ id: auditEvents.id }).from(auditEvents)).length;
await writeTransaction(async (tx) => {
  for (let start = 0; start < EVENTS; start += 1000) {
    await tx.insert(auditEvents).values(
      Array.from({ length: 1000 }, (_, k) => {
        const i = start + k;
        const reset = i % 100 === 0;
        const who = filler[i % filler.length]!.id;
        return {
          orgId: org.id,
          actorKind: 'user' as const,
          actorUserId: reset ? ada.id : who,
          targetUserId: reset ? max.id : who,
          action: reset ? '2fa.reset' : 'sign_in',
          detail: reset ? JSON.stringify({ reason: `ticket ${i}` }) : JSON.stringify({ method: 'password', secondFactor: 'none' }),
          ip: '192.0.2.7',
          createdAt: T0 + i * MINUTE,
        };
      }),
    );
  }
});
await writeTransaction((tx) => audit(tx, { orgId: other.id, actor: operator, targetUserId: stranger.id, action: '2fa.reset', ip: null }));
const seeded = (await (await db()).select({ id: auditEvents.id }).from(auditEvents)).length - before;
if (store === 'postgres') await (await database() as PostgresHandle).pool.query('analyze audit_events; analyze users');

const base: AuditQuery = { orgId: org.id, limit: 50 };

/** Every event of a query, page by page (as the log's "Older events" link walks them). */
async function all(query: AuditQuery) {
  const rows = [];
  let cursor: AuditQuery['cursor'];
  for (;;) {
    const page = await auditPage({ ...query, limit: 1000, cursor });
    rows.push(...page.rows);
    if (!page.hasOlder) return rows;
    cursor = { id: page.rows.at(-1)!.id, newer: false };
  }
}

test('the seed is 100,000 events in the organization (and one elsewhere)', () => {
  assert.equal(seeded, EVENTS + 1);
});

test('pages are newest first; older and newer pages meet without a gap or an overlap', async () => {
  const first = await auditPage(base);
  assert.equal(first.rows.length, 50);
  assert.deepEqual([first.hasNewer, first.hasOlder], [false, true]);
  const ids = first.rows.map((r) => r.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
  const second = await auditPage({ ...base, cursor: { id: ids.at(-1)!, newer: false } });
  assert.equal(second.rows[0]!.id, ids.at(-1)! - 1);
  assert.deepEqual([second.hasNewer, second.hasOlder], [true, true]);
  const back = await auditPage({ ...base, cursor: { id: second.rows[0]!.id, newer: true } });
  assert.deepEqual(back.rows.map((r) => r.id), ids);
  assert.equal(back.hasNewer, false, 'the newest page has nothing newer');
  // The oldest page says so.
  const oldest = await auditPage({ ...base, cursor: { id: Math.min(...(await all({ ...base, action: '2fa.reset' })).map((r) => r.id)) + 1, newer: false } });
  assert.equal(oldest.hasOlder, false);
});

test('the event-type filter keeps only that type, with its sentence', async () => {
  const resets = await all({ ...base, action: '2fa.reset' });
  assert.equal(resets.length, EVENTS / 100);
  assert.ok(resets.every((r) => r.action === '2fa.reset' && r.ip === '192.0.2.7'));
  assert.match(describeEvent(resets[0]!).sentence, /^Ada Admin reset 2FA for Max Member — reason: “ticket 99900”$/);
});

test('the user filter matches names and emails by prefix, as actor or target, within the organization', async () => {
  assert.deepEqual(await matchUsers(org.id, 'MAX'), [max.id]);
  assert.deepEqual(await matchUsers(org.id, 'ada@'), [ada.id]);
  assert.deepEqual(await matchUsers(org.id, 'nobody'), []);
  assert.equal(await matchUsers(org.id, 'filler'), null, 'more than the cap');
  const aboutMax = await all({ ...base, userIds: [max.id] });
  // Max's creation, and the 1,000 resets.
  assert.equal(aboutMax.length, EVENTS / 100 + 1);
  assert.ok(aboutMax.every((r) => r.targetUserId === max.id));
  const byAda = await auditPage({ ...base, userIds: [ada.id] });
  assert.ok(byAda.rows.every((r) => r.actorUserId === ada.id || r.targetUserId === ada.id));
  assert.equal((await auditPage({ ...base, userIds: [] })).rows.length, 0);
  assert.equal((await auditPage({ ...base, userIds: [stranger.id] })).rows.length, 0, 'another organization’s user');
});

test('the date range keeps whole UTC days, combined with the other filters', async () => {
  const from = T0 + 10 * DAY;
  const day = await all({ ...base, from, to: from + DAY });
  assert.equal(day.length, 24 * 60);
  assert.ok(day.every((r) => r.createdAt >= from && r.createdAt < from + DAY));
  const resetsThatDay = await all({ ...base, action: '2fa.reset', userIds: [max.id], from, to: from + DAY });
  // Minutes 14,400 to 15,839 of the seed: every 100th is a reset.
  assert.equal(resetsThatDay.length, 15);
  assert.equal((await auditPage({ ...base, from: T0 + 400 * DAY })).rows.length, 0);
});

/** The plan of one page's query: SQLite's `explain query plan`, PostgreSQL's plan nodes. */
type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: PlanNode[] };
const steps = (node: PlanNode): string[] => [
  [node['Node Type'], node['Relation Name'] && `on ${node['Relation Name']}`, node['Index Name'] && `using ${node['Index Name']}`].filter(Boolean).join(' '),
  ...(node.Plans ?? []).flatMap(steps),
];
async function plan(query: AuditQuery): Promise<string[]> {
  const handle = await database();
  const { sql, params } = auditPageQuery(await db(), query).toSQL();
  if (store === 'sqlite') return ((handle as SqliteHandle).writer.prepare(`explain query plan ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
  const { rows } = await (handle as PostgresHandle).pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`explain (format json) ${sql}`, params);
  return steps(rows[0]!['QUERY PLAN'][0].Plan);
}

test('every filter reads audit_events through an index of the organization, never the whole table', async () => {
  const shapes: Record<string, AuditQuery> = {
    all: base,
    older: { ...base, cursor: { id: 50_000, newer: false } },
    newer: { ...base, cursor: { id: 50_000, newer: true } },
    type: { ...base, action: '2fa.reset', cursor: { id: 50_000, newer: false } },
    user: { ...base, userIds: [max.id, ada.id] },
    dates: { ...base, from: T0 + 10 * DAY, to: T0 + 11 * DAY },
  };
  for (const [name, query] of Object.entries(shapes)) {
    const lines = await plan(query);
    const onEvents = lines.filter((l) => /audit_events|audit_org/.test(l));
    assert.ok(onEvents.length > 0, `${name}: ${lines.join(' | ')}`);
    for (const line of onEvents) {
      if (store === 'sqlite') assert.match(line, /USING (COVERING )?INDEX audit_org_\w*idx|USING INTEGER PRIMARY KEY/, `${name}: ${lines.join(' | ')}`);
      else assert.doesNotMatch(line, /Seq Scan on audit_events/, `${name}: ${lines.join(' | ')}`);
    }
    // (PostgreSQL may walk the primary key backwards when nearly every row is the organization's: still an index, in page order.)
    assert.ok(lines.some((l) => /audit_org_\w*idx|audit_events_pkey/.test(l)), `${name} uses an audit index: ${lines.join(' | ')}`);
  }
});

test('every registered type, written through audit(), reads back as its own sentence', async () => {
  const small = await createOrganization({ slug: 'every-type', name: 'Every type', policy: 'optional' }, operator);
  const person = await createUser({ org: 'every-type', email: 'pat@every.example', name: 'Pat <img src=x onerror=alert(1)>', role: 'member', method: 'password', password: 'password-1' }, operator);
  await writeTransaction(async (tx) => {
    for (const action of AUDIT_ACTIONS) await audit(tx, { orgId: small.id, actor: { kind: 'user', userId: person.id }, targetUserId: person.id, action, detail: { codesLeft: 4, name: 'Key' }, ip: '2001:db8::1' });
  });
  for (const action of AUDIT_ACTIONS) {
    const { rows } = await auditPage({ orgId: small.id, action, userIds: [person.id], limit: 5 });
    // (user.created is also written by createUser itself, by the operator.)
    const mine = rows.filter((r) => r.actorUserId === person.id);
    assert.equal(mine.length, 1, action);
    const { sentence } = describeEvent(mine[0]!);
    assert.ok(!sentence.includes(`event ${action}`), `${action}: ${sentence}`);
  }
  const { rows } = await auditPage({ orgId: small.id, action: 'sign_in.recovery_code_used', limit: 1 });
  assert.equal(describeEvent(rows[0]!).sentence, 'Pat <img src=x onerror=alert(1)> signed in with a recovery code — 4 left');
});
