import { test } from 'node:test';
import assert from 'node:assert/strict';
import { and, asc, eq, isNull, like } from 'drizzle-orm';
import { db, writeTransaction } from '@/db';
import { accountTokens, auditEvents, loginChallenges, mailOutbox, sessions, throttleHits, users } from '@/db/schema';
import { createOrganization } from '@/lib/accounts/organizations';
import { changePassword, createUser } from '@/lib/accounts/users';
import { createChallenge } from '@/lib/auth/challenge';
import { verifyPassword } from '@/lib/auth/password';
import { createSession } from '@/lib/auth/session';
import { tokenDigest } from '@/lib/auth/tokens';
import { openMail } from '@/lib/mail/outbox';
import { countResetRequest, resetLinkEmail, resetPasswordWithLink, sendResetLink } from './password-reset';

process.env.DESKGATE_LOG = 'off';
const operator = { kind: 'operator' } as const;
const system = { kind: 'system' } as const;
await createOrganization({ slug: 'reset', name: 'Reset', policy: 'optional' }, operator);
let n = 0;
const freshUser = (method: 'password' | 'sso' = 'password') => {
  n += 1;
  return createUser({ org: 'reset', email: `r${n}@reset.example`, name: `Person ${n}`, role: 'member', method, password: method === 'password' ? 'old-password-1' : undefined }, operator);
};
const mailsTo = async (to: string) => (await (await db()).select().from(mailOutbox).where(eq(mailOutbox.toAddress, to)).orderBy(asc(mailOutbox.id))).map(openMail);
const linkToken = (text: string) => /\/login\/reset-password\?token=([A-Za-z0-9_-]{43})/.exec(text)?.[1];
const ip = '203.0.113.9';

async function linkFor(email: string): Promise<string> {
  assert.equal(await sendResetLink(email, ip, system, { capped: true }), 'sent');
  const mails = (await mailsTo(email)).filter((m) => m.kind === 'password_reset');
  const token = linkToken(mails.at(-1)!.textBody!);
  assert.ok(token, 'the mail holds the link');
  return token;
}

test('a known password user gets a link mail; unknown, SSO and deactivated addresses get none', async () => {
  const known = await freshUser();
  const sso = await freshUser('sso');
  const gone = await freshUser();
  await writeTransaction((tx) => tx.update(users).set({ deactivatedAt: Date.now() }).where(eq(users.id, gone.id)));

  assert.equal(await sendResetLink(known.email, ip, system, { capped: true }), 'sent');
  assert.equal(await sendResetLink('nobody@reset.example', ip, system, { capped: true }), 'no_account');
  assert.equal(await sendResetLink(sso.email, ip, system, { capped: true }), 'no_account');
  assert.equal(await sendResetLink(gone.email, ip, system, { capped: true }), 'no_account');

  const [mail, ...more] = await mailsTo(known.email);
  assert.equal(more.length, 0);
  assert.equal(mail!.kind, 'password_reset');
  assert.match(mail!.textBody!, /http:\/\/localhost:\d+\/login\/reset-password\?token=/, 'built from AUTH_URL (or the local address), not a request');
  assert.match(mail!.textBody!, /works once, for 30 minutes/);
  assert.match(mail!.textBody!, /^From address: 203\.0\.113\.9$/m);
  for (const other of [sso.email, gone.email, 'nobody@reset.example']) assert.deepEqual(await mailsTo(other), []);

  // The database keeps the token's digest only.
  const token = linkToken(mail!.textBody!)!;
  const rows = await (await db()).select({ id: accountTokens.id }).from(accountTokens).where(eq(accountTokens.userId, known.id));
  assert.deepEqual(rows, [{ id: tokenDigest(token) }]);
  const audited = await (await db()).select({ action: auditEvents.action }).from(auditEvents).where(and(eq(auditEvents.targetUserId, known.id), eq(auditEvents.action, 'password.reset_link_sent')));
  assert.equal(audited.length, 1);
});

test('at most DESKGATE_RESET_MAILS_PER_HOUR (3) link mails an hour per account; an operator is not capped; only the newest link works', async () => {
  const user = await freshUser();
  const tokens = [await linkFor(user.email), await linkFor(user.email), await linkFor(user.email)];
  const sent = async () => (await (await db()).select().from(auditEvents).where(and(eq(auditEvents.targetUserId, user.id), eq(auditEvents.action, 'password.reset_link_sent')))).length;
  assert.equal(await sendResetLink(user.email, ip, system, { capped: true }), 'capped');
  assert.equal(await sent(), 3);
  // Counted apart from the outbox, where each newer link deleted the unsent mail of the one before.
  assert.equal((await mailsTo(user.email)).length, 1);
  assert.equal(linkToken((await mailsTo(user.email))[0]!.textBody!), tokens[2]);
  assert.equal(await sendResetLink(user.email, null, operator, { capped: false }), 'sent');
  assert.equal(await sent(), 4);
  assert.equal(await resetLinkEmail(tokens[0]!), null, 'a newer link replaced it');
  // An hour later the account may ask again.
  assert.equal(await sendResetLink(user.email, ip, system, { capped: true }, Date.now() + 3_600_001), 'sent');
});

test('requests are throttled per email (5) and per address (20) under keys of their own, whether or not the email exists', async () => {
  const now = Date.now();
  const email = `flood-${now}@reset.example`;
  for (let i = 0; i < 5; i++) assert.equal(await countResetRequest(email, '198.51.100.1', now), true);
  assert.equal(await countResetRequest(email, '198.51.100.1', now), false);
  assert.equal(await countResetRequest(email, '198.51.100.2', now), false, 'the email stays locked from any address');
  const address = '198.51.100.77';
  for (let i = 0; i < 20; i++) assert.equal(await countResetRequest(`a${i}-${now}@reset.example`, address, now), true);
  assert.equal(await countResetRequest(`other-${now}@reset.example`, address, now), false);
  // Sign-in's keys are untouched: a flood of reset requests locks nobody's sign-in.
  assert.deepEqual(await (await db()).select().from(throttleHits).where(like(throttleHits.key, `pw:email:${email}`)), []);
});

test('the link sets the password once: every session and pending sign-in ends, 2FA is untouched, the user is told', async () => {
  const user = await freshUser();
  const totpEnabledAt = Date.now() - 1000;
  await writeTransaction((tx) => tx.update(users).set({ totpEnabledAt, totpSecret: 'not-read-here' }).where(eq(users.id, user.id)));
  const [before] = await (await db()).select({ version: users.credentialsVersion }).from(users).where(eq(users.id, user.id));
  await writeTransaction((tx) => createSession(tx, user.id, 'password', null));
  await writeTransaction((tx) => createSession(tx, user.id, 'password', null));
  await createChallenge(user.id, 'verify', '/', before!.version);
  const token = await linkFor(user.email);
  assert.equal(await resetLinkEmail(token), user.email, 'the form names the account');

  assert.equal(await resetPasswordWithLink(token, 'new-password-1', ip), true);

  const [after] = await (await db()).select({ hash: users.passwordHash, version: users.credentialsVersion, totpEnabledAt: users.totpEnabledAt, totpSecret: users.totpSecret }).from(users).where(eq(users.id, user.id));
  assert.ok(await verifyPassword('new-password-1', after!.hash));
  assert.equal(after!.version, before!.version + 1);
  assert.equal(after!.totpEnabledAt, totpEnabledAt, '2FA stays on');
  assert.equal(after!.totpSecret, 'not-read-here');
  assert.deepEqual(await (await db()).select().from(sessions).where(and(eq(sessions.userId, user.id), isNull(sessions.revokedAt))), []);
  assert.deepEqual(await (await db()).select().from(loginChallenges).where(eq(loginChallenges.userId, user.id)), []);
  const notice = (await mailsTo(user.email)).find((m) => m.kind === 'password.reset');
  assert.ok(notice, 'a "password was reset" mail');
  assert.match(notice.textBody!, /^When: .* UTC$/m);
  assert.match(notice.textBody!, /^From address: 203\.0\.113\.9$/m);

  assert.equal(await resetLinkEmail(token), null);
  assert.equal(await resetPasswordWithLink(token, 'third-password-1', ip), false, 'used');
  const [still] = await (await db()).select({ hash: users.passwordHash }).from(users).where(eq(users.id, user.id));
  assert.ok(await verifyPassword('new-password-1', still!.hash));
});

test('an expired, unknown or deactivated user’s link changes nothing', async () => {
  const user = await freshUser();
  const token = await linkFor(user.email);
  await writeTransaction((tx) => tx.update(accountTokens).set({ expiresAt: Date.now() - 1 }).where(eq(accountTokens.id, tokenDigest(token))));
  assert.equal(await resetLinkEmail(token), null);
  assert.equal(await resetPasswordWithLink(token, 'new-password-1', ip), false);
  assert.equal(await resetPasswordWithLink('A'.repeat(43), 'new-password-1', ip), false);

  const gone = await freshUser();
  const goneToken = await linkFor(gone.email);
  await writeTransaction((tx) => tx.update(users).set({ deactivatedAt: Date.now() }).where(eq(users.id, gone.id)));
  assert.equal(await resetLinkEmail(goneToken), null, 'a deactivated user’s live token shows "expired", not the form');
  assert.equal(await resetPasswordWithLink(goneToken, 'new-password-1', ip), false);
  for (const u of [user, gone]) {
    const [row] = await (await db()).select({ hash: users.passwordHash }).from(users).where(eq(users.id, u.id));
    assert.ok(await verifyPassword('old-password-1', row!.hash));
  }
});

test('two submits of one link at once: exactly one sets its password', async () => {
  const user = await freshUser();
  const token = await linkFor(user.email);
  const results = await Promise.all([resetPasswordWithLink(token, 'first-password-1', ip), resetPasswordWithLink(token, 'second-password-1', ip)]);
  assert.deepEqual(results.filter(Boolean).length, 1);
  const winner = results[0] ? 'first-password-1' : 'second-password-1';
  const [row] = await (await db()).select({ hash: users.passwordHash }).from(users).where(eq(users.id, user.id));
  assert.ok(await verifyPassword(winner, row!.hash));
  const resets = await (await db()).select().from(auditEvents).where(and(eq(auditEvents.targetUserId, user.id), eq(auditEvents.action, 'password.reset')));
  assert.equal(resets.length, 1);
});

test('a link asked for before the password was changed on the profile dies with the old password; old expired links are swept', async () => {
  const user = await freshUser();
  const token = await linkFor(user.email);
  const session = await writeTransaction((tx) => createSession(tx, user.id, 'password', null));
  assert.equal(await changePassword(user.id, 'changed-password-1', { orgId: user.orgId, ip, sessionId: session }), true);
  assert.equal(await resetPasswordWithLink(token, 'attacker-password-1', ip), false, 'the link no longer works');
  const [row] = await (await db()).select({ hash: users.passwordHash }).from(users).where(eq(users.id, user.id));
  assert.ok(await verifyPassword('changed-password-1', row!.hash));

  // A token expired over a day ago is deleted when anyone's next link is made.
  const stale = await freshUser();
  const staleToken = await linkFor(stale.email);
  await writeTransaction((tx) => tx.update(accountTokens).set({ expiresAt: Date.now() - 25 * 3_600_000 }).where(eq(accountTokens.id, tokenDigest(staleToken))));
  await linkFor((await freshUser()).email);
  assert.equal((await (await db()).select().from(accountTokens).where(eq(accountTokens.id, tokenDigest(staleToken)))).length, 0);
});
