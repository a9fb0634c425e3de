import { test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq, isNull } from 'drizzle-orm';
import { db, writeTransaction } from '@/db';
import { mailOutbox } from '@/db/schema';
import { createOrganization } from '@/lib/accounts/organizations';
import { createUser } from '@/lib/accounts/users';
import { enqueueMail, retryFailedMails } from '@/lib/mail/outbox';
import { ACCOUNT_TOKEN_MS, consumeAccountToken, issueAccountToken, peekAccountToken, revokeAccountTokens } from './account-tokens';

process.env.DESKGATE_LOG = 'off';
const operator = { kind: 'operator' } as const;
await createOrganization({ slug: 'tokens', name: 'Tokens', policy: 'optional' }, operator);
let n = 0;
const freshUser = () => {
  n += 1;
  return createUser({ org: 'tokens', email: `t${n}@tokens.example`, name: `T ${n}`, role: 'member', method: 'password', password: 'password-1' }, operator);
};
/** A link mail as the flows write it: the token, then its mail, in one transaction. */
const linkMail = (user: { id: number; email: string }, kind: 'password_reset' | 'invitation', now = Date.now()) =>
  writeTransaction(async (tx) => {
    const token = await issueAccountToken(tx, user.id, kind, now);
    await enqueueMail(tx, { kind, userId: user.id, to: user.email, subject: 's', text: `link?token=${token}`, html: '' }, now);
    return token;
  });
const unsent = async (userId: number) => (await (await db()).select({ id: mailOutbox.id }).from(mailOutbox).where(and(eq(mailOutbox.userId, userId), isNull(mailOutbox.sentAt)))).length;

test('a link token is used once, by one of two requests; it is of one purpose and expires', async () => {
  const user = await freshUser();
  const now = Date.now();
  const token = await linkMail(user, 'password_reset', now);
  assert.deepEqual(await peekAccountToken(token, 'password_reset', now), { userId: user.id });
  assert.equal(await peekAccountToken(token, 'invitation', now), null);
  assert.equal(await peekAccountToken(token, 'password_reset', now + ACCOUNT_TOKEN_MS.password_reset), null, 'expired');
  const both = await Promise.all([0, 1].map(() => writeTransaction((tx) => consumeAccountToken(tx, token, 'password_reset', now))));
  assert.equal(both.filter(Boolean).length, 1);
  assert.equal(await peekAccountToken(token, 'password_reset', now), null);
  assert.equal(await peekAccountToken('not-a-token', 'password_reset', now), null);
});

test('a link that ends takes its mail not sent yet with it: used, replaced by a newer one, or revoked', async () => {
  const user = await freshUser();
  const first = await linkMail(user, 'password_reset');
  assert.equal(await unsent(user.id), 1);
  const second = await linkMail(user, 'password_reset');
  assert.equal(await unsent(user.id), 1, 'the first mail went with its link: only the newest link is mailed');
  assert.equal(await peekAccountToken(first, 'password_reset'), null);
  await linkMail(user, 'invitation');
  assert.equal(await unsent(user.id), 2);
  assert.ok(await writeTransaction((tx) => consumeAccountToken(tx, second, 'password_reset')));
  assert.equal(await unsent(user.id), 1, 'the used link’s mail is gone; the invitation’s stays');
  await writeTransaction((tx) => revokeAccountTokens(tx, user.id, 'invitation'));
  assert.equal(await unsent(user.id), 0);
});

test('mail:retry drops a link mail given up whose link has expired since, and sends the others again', async () => {
  const user = await freshUser();
  const old = Date.now() - ACCOUNT_TOKEN_MS.password_reset - 1000;
  await linkMail(user, 'password_reset', old);
  const other = await freshUser();
  await linkMail(other, 'invitation', old);
  await writeTransaction((tx) => tx.update(mailOutbox).set({ failedAt: Date.now() }).where(isNull(mailOutbox.sentAt)));
  const { retried, skipped } = await writeTransaction((tx) => retryFailedMails(tx));
  assert.ok(skipped >= 1 && retried >= 1);
  assert.equal(await unsent(user.id), 0, 'the expired reset link’s mail is deleted, not sent');
  assert.equal(await unsent(other.id), 1, 'the invitation (48 hours) is still good: sent again');
});
