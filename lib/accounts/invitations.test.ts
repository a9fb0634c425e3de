import { test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq, isNull } from 'drizzle-orm';
import { db, writeTransaction } from '@/db';
import { accountTokens, mailOutbox, users } from '@/db/schema';
import { checkPassword } from '@/lib/auth/credentials';
import { createSession } from '@/lib/auth/session';
import { openMail } from '@/lib/mail/outbox';
import { setUserDeactivated } from './deactivation';
import { acceptInvitation, invitationFor, inviteUser, RESENDS_PER_HOUR, resendInvitation, revokeInvitation } from './invitations';
import { createOrganization } from './organizations';
import { createUser } from './users';

process.env.DESKGATE_LOG = 'off';
const operator = { kind: 'operator' } as const;
const org = await createOrganization({ slug: 'invitations', name: 'Invitations Inc', policy: 'required' }, operator);
const other = await createOrganization({ slug: 'invitations-other', name: 'Other', policy: 'optional' }, operator);
const admin = await createUser({ org: 'invitations', email: 'admin@inv.example', name: 'Ines Admin', role: 'admin', method: 'password', password: 'password-1' }, operator);
const adminSession = await writeTransaction((tx) => createSession(tx, admin.id, 'password', null));
const ctx = { actor: { kind: 'user' as const, userId: admin.id, sessionId: adminSession }, orgId: org.id, ip: null };
let n = 0;
const invite = (method: 'password' | 'sso' = 'password') => {
  n += 1;
  return inviteUser({ email: `i${n}@inv.example`, name: `Invitee ${n}`, role: 'member', method }, ctx);
};
const idOf = (result: { id: number } | { refused: string }) => {
  assert.ok('id' in result, JSON.stringify(result));
  return result.id;
};
/** The link token of the newest unsent invitation mail of a user, as the invitee reads it. */
async function linkToken(userId: number): Promise<string> {
  const rows = await (await db()).select().from(mailOutbox).where(and(eq(mailOutbox.userId, userId), eq(mailOutbox.kind, 'invitation'), isNull(mailOutbox.sentAt)));
  assert.equal(rows.length, 1, 'one live invitation mail');
  const { textBody: text } = openMail(rows[0]!);
  assert.match(text!, /Ines Admin invited you to Invitations Inc/);
  return /\/invitation\?token=([\w-]+)/.exec(text!)![1]!;
}
const row = async (userId: number) => (await (await db()).select().from(users).where(eq(users.id, userId)))[0];

test('a password user is created invited, with a mailed single-use link; accepting sets the password and activates them', async () => {
  const id = idOf(await invite());
  const user = await row(id);
  assert.ok(user?.invitedAt);
  assert.equal(user?.passwordHash, null);
  assert.equal((await checkPassword(user!.email, 'anything-1', '10.8.0.1')).ok, false, 'an invitee cannot sign in yet');
  const token = await linkToken(id);
  assert.deepEqual(await invitationFor(token), { name: user!.name, email: user!.email });
  const both = await Promise.all([acceptInvitation(token, 'chosen-password-1', null), acceptInvitation(token, 'chosen-password-2', null)]);
  assert.equal(both.filter(Boolean).length, 1, 'of two parallel submits, one wins');
  assert.equal((await row(id))?.invitedAt, null);
  const chosen = both[0] ? 'chosen-password-1' : 'chosen-password-2';
  assert.equal((await checkPassword(user!.email, chosen, '10.8.0.1')).ok, true);
  assert.equal(await invitationFor(token), null, 'a used link says so');
  assert.equal(await acceptInvitation(token, 'chosen-password-3', null), null);
});

test('an SSO user is created active, with no mail; a taken email is refused (across organizations)', async () => {
  const id = idOf(await invite('sso'));
  assert.equal((await row(id))?.invitedAt, null);
  assert.equal((await (await db()).select().from(mailOutbox).where(eq(mailOutbox.userId, id))).length, 0);
  assert.deepEqual(await inviteUser({ email: 'admin@inv.example', name: 'Again', role: 'member', method: 'password' }, ctx), { refused: 'email_taken' });
  await createUser({ org: 'invitations-other', email: 'elsewhere@inv.example', name: 'E', role: 'member', method: 'password', password: 'password-1' }, operator);
  assert.deepEqual(await inviteUser({ email: 'elsewhere@inv.example', name: 'E', role: 'member', method: 'password' }, ctx), { refused: 'email_taken' });
});

test('a resend mails a new link and kills the old one, at most three times an hour', async () => {
  const id = idOf(await invite());
  const first = await linkToken(id);
  assert.ok('email' in (await resendInvitation(id, ctx)));
  const second = await linkToken(id);
  assert.notEqual(first, second);
  assert.equal(await invitationFor(first), null, 'the old link died');
  assert.ok(await invitationFor(second));
  for (let i = 1; i < RESENDS_PER_HOUR; i += 1) assert.ok('email' in (await resendInvitation(id, ctx)));
  assert.deepEqual(await resendInvitation(id, ctx), { refused: 'too_many' });
  assert.ok('email' in (await resendInvitation(id, ctx, Date.now() + 3_600_000 + 1000)), 'an hour later, again');
  assert.deepEqual(await resendInvitation(id, { ...ctx, orgId: other.id }), { refused: 'not_found' });
});

test('revoking deletes the invitee with their link and unsent mail; an accepted invitation cannot be revoked', async () => {
  const id = idOf(await invite());
  const token = await linkToken(id);
  assert.ok('email' in (await revokeInvitation(id, ctx)));
  assert.equal(await row(id), undefined);
  assert.equal((await (await db()).select().from(accountTokens).where(eq(accountTokens.userId, id))).length, 0);
  assert.equal((await (await db()).select().from(mailOutbox).where(eq(mailOutbox.userId, id))).length, 0);
  assert.equal(await acceptInvitation(token, 'chosen-password-1', null), null);

  const accepted = idOf(await invite());
  await acceptInvitation(await linkToken(accepted), 'chosen-password-1', null);
  assert.deepEqual(await revokeInvitation(accepted, ctx), { refused: 'not_invited' });
  assert.deepEqual(await resendInvitation(accepted, ctx), { refused: 'not_invited' });
});

test('a deactivated invitee’s link stops working, and stays dead after reactivation', async () => {
  const id = idOf(await invite());
  const token = await linkToken(id);
  await setUserDeactivated(id, true, ctx);
  assert.equal(await invitationFor(token), null);
  await setUserDeactivated(id, false, ctx);
  assert.equal(await acceptInvitation(token, 'chosen-password-1', null), null);
});
