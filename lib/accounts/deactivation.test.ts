import { test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { db, writeTransaction } from '@/db';
import { accountTokens, auditEvents, loginChallenges } from '@/db/schema';
import { issueAccountToken, peekAccountToken } from '@/lib/auth/account-tokens';
import { createChallenge, markChallengeReady, redeemReadyChallenge } from '@/lib/auth/challenge';
import { checkPassword } from '@/lib/auth/credentials';
import { createSession, loadSession } from '@/lib/auth/session';
import { bindSsoIdentity, startSsoSession } from '@/lib/auth/sso';
import { setUserDeactivated } from './deactivation';
import { createOrganization } from './organizations';
import { createUser } from './users';

process.env.DESKGATE_LOG = 'off';
const operator = { kind: 'operator' } as const;
const org = await createOrganization({ slug: 'deactivation', name: 'Deactivation', policy: 'optional' }, operator);
const other = await createOrganization({ slug: 'deactivation-other', name: 'Other', policy: 'optional' }, operator);
const admin = await createUser({ org: 'deactivation', email: 'admin@de.example', name: 'A', role: 'admin', method: 'password', password: 'password-1' }, operator);
let n = 0;
const member = (method: 'password' | 'sso' = 'password') => {
  n += 1;
  return createUser({ org: 'deactivation', email: `m${n}@de.example`, name: `M ${n}`, role: 'member', method, password: method === 'password' ? 'password-1' : undefined }, operator);
};
const sessionOf = (userId: number) => writeTransaction((tx) => createSession(tx, userId, 'password', null));
const ctx = { actor: operator, orgId: org.id, ip: null };
const actions = async (userId: number) => (await (await db()).select({ a: auditEvents.action }).from(auditEvents).where(eq(auditEvents.targetUserId, userId))).map((r) => r.a);

test('deactivating ends every session at once, and refuses the password exactly as a wrong one', async () => {
  const user = await member();
  const sessions = [await sessionOf(user.id), await sessionOf(user.id)];
  assert.ok(await loadSession(sessions[0]!));
  assert.deepEqual(await setUserDeactivated(user.id, true, ctx), { changed: true });
  for (const id of sessions) assert.equal(await loadSession(id), null, 'a copied session cookie dies on its next request');
  const right = await checkPassword(user.email, 'password-1', '10.9.0.1');
  const wrong = await checkPassword(user.email, 'password-2', '10.9.0.1');
  assert.deepEqual(right, wrong, 'the right password of a deactivated user answers as a wrong one');
  assert.equal(right.ok, false);
  assert.deepEqual(await setUserDeactivated(user.id, true, ctx), { changed: false });

  assert.deepEqual(await setUserDeactivated(user.id, false, ctx), { changed: true });
  assert.equal((await checkPassword(user.email, 'password-1', '10.9.0.1')).ok, true, 'reactivated: signs in again');
  assert.equal(await loadSession(sessions[0]!), null, 'the old sessions stay ended');
  assert.deepEqual(await actions(user.id), ['user.created', 'user.deactivated', 'user.reactivated']);
});

test('a sign-in that passed its password step before the deactivation gets no session', async () => {
  const user = await member();
  const token = await createChallenge(user.id, 'verify', '/', 0);
  const ready = await writeTransaction((tx) => markChallengeReady(tx, token, Date.now(), 'totp'));
  assert.ok(ready);
  await setUserDeactivated(user.id, true, ctx);
  assert.equal(await redeemReadyChallenge(ready), null);
  assert.equal((await (await db()).select().from(loginChallenges).where(eq(loginChallenges.userId, user.id))).length, 0, 'pending sign-ins are deleted');
});

test('deactivating revokes every mailed link of the user, so a reactivation cannot revive one', async () => {
  const user = await member();
  const [invitation, reset] = await writeTransaction(async (tx) => [await issueAccountToken(tx, user.id, 'invitation'), await issueAccountToken(tx, user.id, 'password_reset')]);
  await setUserDeactivated(user.id, true, ctx);
  await setUserDeactivated(user.id, false, ctx);
  assert.equal(await peekAccountToken(invitation!, 'invitation'), null);
  assert.equal(await peekAccountToken(reset!, 'password_reset'), null);
  assert.equal((await (await db()).select().from(accountTokens).where(and(eq(accountTokens.userId, user.id)))).length, 0);
});

test('an admin cannot deactivate themselves, nor anyone outside their organization, nor after their session ended', async () => {
  const user = await member();
  const adminSession = await sessionOf(admin.id);
  const acting = { kind: 'user' as const, userId: admin.id, sessionId: adminSession };
  assert.deepEqual(await setUserDeactivated(admin.id, true, { ...ctx, actor: acting }), { refused: 'self' });
  assert.deepEqual(await setUserDeactivated(user.id, true, { ...ctx, actor: acting, orgId: other.id }), { refused: 'not_found' });
  assert.deepEqual(await setUserDeactivated(user.id, true, { ...ctx, actor: { ...acting, sessionId: 'ended' } }), { refused: 'no_longer_admin' });
  assert.deepEqual(await setUserDeactivated(user.id, true, { ...ctx, actor: acting }), { changed: true });
  assert.ok(await loadSession(adminSession), 'the admin stays signed in');
});

test('a deactivated SSO user is refused by the identity binding and gets no session', async () => {
  const user = await member('sso');
  const claims = { issuer: 'https://idp.example', subject: `sub-${user.id}`, email: user.email, emailVerified: true };
  assert.deepEqual(await bindSsoIdentity(claims), { ok: true, userId: user.id });
  await setUserDeactivated(user.id, true, ctx);
  assert.deepEqual(await bindSsoIdentity(claims), { ok: false, reason: 'deactivated' });
  assert.equal(await startSsoSession(claims.issuer, claims.subject, { userAgent: null, clientAddress: '192.0.2.9' }), null);
  await setUserDeactivated(user.id, false, ctx);
  assert.ok(await startSsoSession(claims.issuer, claims.subject, { userAgent: null, clientAddress: '192.0.2.9' }));
});
