import { test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { db, writeTransaction } from '@/db';
import { auditEvents, sessions, users } from '@/db/schema';
import { createOrganization } from '@/lib/accounts/organizations';
import { createUser, setUserLocale } from '@/lib/accounts/users';
import { loadSession, createSession } from '@/lib/auth/session';
import { tokenDigest } from '@/lib/auth/tokens';
import { eventSentence } from '@/lib/audit-events';

process.env.DESKGATE_LOG = 'off';
const operator = { kind: 'operator' } as const;
await createOrganization({ slug: 'locale', name: 'Locale', policy: 'optional' }, operator);
const ip = '203.0.113.7';

const localeOf = async (userId: number) => (await (await db()).select({ locale: users.locale }).from(users).where(eq(users.id, userId)))[0]!.locale;
const changes = async (userId: number) => (await db()).select().from(auditEvents).where(and(eq(auditEvents.targetUserId, userId), eq(auditEvents.action, 'user.locale_changed')));

test('a user sets their language, the session carries it, each change is audited once; back to the browser default is null', async () => {
  const user = await createUser({ org: 'locale', email: 'l1@locale.example', name: 'Lena', role: 'member', method: 'password', password: 'a-password-1' }, operator);
  assert.equal(await localeOf(user.id), null, 'a new user follows the browser');
  const session = await writeTransaction((tx) => createSession(tx, user.id, 'password', null));
  const ctx = { orgId: user.orgId, ip, sessionId: session };

  assert.equal(await setUserLocale(user.id, 'de', ctx), true);
  assert.equal(await localeOf(user.id), 'de');
  assert.equal((await loadSession(session))?.user.locale, 'de');
  // The same choice again changes and audits nothing.
  assert.equal(await setUserLocale(user.id, 'de', ctx), true);
  assert.equal((await changes(user.id)).length, 1);

  assert.equal(await setUserLocale(user.id, null, ctx), true);
  assert.equal(await localeOf(user.id), null);
  const events = await changes(user.id);
  assert.equal(events.length, 2);
  assert.deepEqual(JSON.parse(events[1]!.detail!), { locale: null, from: 'de' });
  assert.match(eventSentence('user.locale_changed', { actor: 'Lena', target: 'Lena', self: true, detail: { locale: 'de' } }), /^Lena set their language to German$/);
});

test('a session that has ended changes nothing', async () => {
  const user = await createUser({ org: 'locale', email: 'l2@locale.example', name: 'Luis', role: 'member', method: 'password', password: 'a-password-1' }, operator);
  const session = await writeTransaction((tx) => createSession(tx, user.id, 'password', null));
  await writeTransaction((tx) => tx.update(sessions).set({ revokedAt: Date.now() }).where(eq(sessions.id, tokenDigest(session))));
  assert.equal(await setUserLocale(user.id, 'en', { orgId: user.orgId, ip, sessionId: session }), false);
  assert.equal(await localeOf(user.id), null);
  assert.equal((await changes(user.id)).length, 0);
});
