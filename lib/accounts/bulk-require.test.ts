import { test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { db, writeTransaction } from '@/db';
import { auditEvents, sessions, users } from '@/db/schema';
import { createSession, revokeSession } from '@/lib/auth/session';
import { AccountError, createOrganization } from './organizations';
import { BULK_REQUIRE_MAX } from '@/lib/validation/forms';
import { createUser, requireTwoFactorForUsers } from './users';

process.env.DESKGATE_LOG = 'off';
const operator = { kind: 'operator' } as const;
const org = await createOrganization({ slug: 'bulk', name: 'Bulk', policy: 'optional' }, operator);
await createOrganization({ slug: 'bulk-other', name: 'Other', policy: 'optional' }, operator);
const make = (email: string, extra: { role?: 'admin' | 'member'; sso?: boolean; org?: string } = {}) =>
  createUser({ org: extra.org ?? 'bulk', email, name: email.split('@')[0]!, role: extra.role ?? 'member', method: extra.sso ? 'sso' : 'password', password: extra.sso ? undefined : 'password-1' }, operator);
const admin = await make('admin@bulk.example', { role: 'admin' });
const plain = await make('plain@bulk.example');
const withApp = await make('app@bulk.example');
const sso = await make('sso@bulk.example', { sso: true });
const already = await make('already@bulk.example');
const stranger = await make('stranger@other.example', { org: 'bulk-other' });
await writeTransaction(async (tx) => {
  await tx.update(users).set({ totpEnabledAt: Date.now() }).where(eq(users.id, withApp.id));
  await tx.update(users).set({ twoFactorRequired: true }).where(eq(users.id, already.id));
});
const sessionOf = (userId: number) => writeTransaction((tx) => createSession(tx, userId, 'password', null));
const live = async (userId: number) => (await (await db()).select({ id: sessions.id }).from(sessions).where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))).length;
const flags = async (ids: number[]) => Object.fromEntries((await (await db()).select({ id: users.id, r: users.twoFactorRequired }).from(users).where(inArray(users.id, ids))).map((u) => [u.id, u.r]));
const requiredEvents = async () => (await (await db()).select({ target: auditEvents.targetUserId, detail: auditEvents.detail }).from(auditEvents).where(and(eq(auditEvents.orgId, org.id), eq(auditEvents.action, 'user.2fa_required'))));

test('an id outside the organization refuses the whole request: nothing changes', async () => {
  const adminSession = await sessionOf(admin.id);
  const acting = { kind: 'user' as const, userId: admin.id, sessionId: adminSession };
  const result = await requireTwoFactorForUsers(org.id, [plain.id, stranger.id, 987_654], acting);
  assert.ok(!('refused' in result));
  assert.deepEqual(result.unknown, [stranger.id, 987_654]);
  assert.deepEqual(result.changed, []);
  assert.deepEqual(await flags([plain.id, stranger.id]), { [plain.id]: false, [stranger.id]: false });
  assert.equal((await requiredEvents()).length, 0);
  await assert.rejects(requireTwoFactorForUsers(org.id, Array.from({ length: BULK_REQUIRE_MAX + 1 }, (_, i) => i + 1), acting), AccountError);
  // An admin whose session ended changes nothing.
  await revokeSession(adminSession);
  assert.ok('refused' in (await requireTwoFactorForUsers(org.id, [plain.id], acting)));
  assert.equal((await flags([plain.id]))[plain.id], false);
});

test('bulk require sets the flag of the selected password users, signs out exactly those who must now set up, one audit event each', async () => {
  const acting = { kind: 'user' as const, userId: admin.id, sessionId: await sessionOf(admin.id) };
  for (const u of [plain, withApp, sso, already]) await sessionOf(u.id);
  const result = await requireTwoFactorForUsers(org.id, [plain.id, withApp.id, sso.id, already.id, admin.id, plain.id], acting, '203.0.113.9');
  assert.ok(!('refused' in result));
  assert.deepEqual(result.changed.map((u) => u.id), [plain.id, withApp.id]);
  assert.deepEqual(result.signedOut.map((u) => u.id), [plain.id], 'only the user without a second factor must now set up');
  assert.deepEqual(result.skipped, { sso: 1, alreadyRequired: 1, self: 1 });
  assert.deepEqual(await flags([plain.id, withApp.id, sso.id, admin.id]), { [plain.id]: true, [withApp.id]: true, [sso.id]: false, [admin.id]: false });
  assert.equal(await live(plain.id), 0);
  assert.equal(await live(withApp.id), 1);
  assert.equal(await live(sso.id), 1);
  assert.equal(await live(already.id), 1);
  assert.equal(await live(admin.id), 1);
  const events = await requiredEvents();
  assert.deepEqual(events.map((e) => e.target).sort(), [plain.id, withApp.id].sort());
  const detail = events.find((e) => e.target === plain.id)?.detail;
  assert.deepEqual(typeof detail === 'string' ? JSON.parse(detail) : detail, { sessionsEnded: 1, bulk: true });
  // Again: everyone is already required now; nothing changes and nobody is signed out.
  await sessionOf(plain.id);
  const again = await requireTwoFactorForUsers(org.id, [plain.id, withApp.id], acting);
  assert.ok(!('refused' in again));
  assert.deepEqual([again.changed.length, again.skipped.alreadyRequired], [0, 2]);
  assert.equal(await live(plain.id), 1);
});
