import 'server-only';
import { and, count, eq, gt, isNotNull, isNull, sql } from 'drizzle-orm';
import { type Executor, db, lockUser, lockUsers, writeTransaction } from '@/db';
import { accountTokens, auditEvents, organizations, users } from '@/db/schema';
import { audit, type Actor } from '@/lib/audit';
import { ACCOUNT_TOKEN_MS, consumeAccountToken, issueAccountToken, peekAccountToken } from '@/lib/auth/account-tokens';
import { hashPassword } from '@/lib/auth/password';
import { adminStillActing } from '@/lib/auth/session';
import { tokenDigest } from '@/lib/auth/tokens';
import { appLink, renderMail } from '@/lib/mail/messages';
import { enqueueMail } from '@/lib/mail/outbox';
import { inviterLocale } from '@/lib/mail/locale';
import { translatorFor, type Translate } from '@/lib/i18n/translate';
import type { Invitation } from '@/lib/validation/accounts';

/** Resends per invitee in a sliding hour: each mails a stranger's address, so an admin's slip cannot flood it. */
export const RESENDS_PER_HOUR = 3;

export type InvitationRefusal = 'email_taken' | 'not_found' | 'not_invited' | 'no_longer_admin' | 'too_many';

interface Context {
  actor: Actor;
  orgId: number;
  ip: string | null;
}

/** Who invites, as the mail names them: the admin's name, or the operator's command line. */
async function inviterName(tx: Executor, actor: Actor, t: Translate): Promise<string> {
  if (actor.kind !== 'user') return t('Mail.invitation.byOperator');
  const [row] = await tx.select({ name: users.name }).from(users).where(eq(users.id, actor.userId));
  return row?.name ?? t('Mail.invitation.byAdmin');
}

/**
 * A new invitation link and its mail, in the caller's transaction under the invitee's lock (the older
 * link dies). In the inviter's language: the invitee has not chosen one yet (lib/mail/locale.ts).
 */
async function mailInvitation(tx: Executor, user: { id: number; email: string; name: string }, orgId: number, actor: Actor): Promise<void> {
  const token = await issueAccountToken(tx, user.id, 'invitation');
  const [org] = await tx.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, orgId));
  const hours = ACCOUNT_TOKEN_MS.invitation / 3_600_000;
  const locale = await inviterLocale(tx, actor);
  const t = translatorFor(locale);
  const mail = renderMail({
    kind: 'invitation',
    userId: user.id,
    to: user.email,
    locale,
    name: user.name,
    subject: t('Mail.invitation.subject', { org: org!.name }),
    paragraphs: [t('Mail.invitation.body', { inviter: await inviterName(tx, actor, t), org: org!.name })],
    link: { label: t('Mail.invitation.link'), url: appLink(`/invitation?token=${token}`) },
    closing: t('Mail.invitation.closing', { hours }),
  });
  await enqueueMail(tx, mail);
}

/**
 * Adds a user to the organization. A password user is created invited (no password) and mailed a
 * single-use link to choose one, in the same transaction; an SSO user is created active and signs
 * in through the identity provider. Emails are unique across the whole deployment.
 */
export async function inviteUser(input: Invitation, ctx: Context): Promise<{ id: number } | { refused: InvitationRefusal }> {
  return writeTransaction(async (tx) => {
    if (!(await adminStillActing(tx, ctx.actor, ctx.orgId))) return { refused: 'no_longer_admin' as const };
    const password = input.method === 'password';
    // The unique email decides between two invitations at once, on any instance.
    const [user] = await tx
      .insert(users)
      .values({ orgId: ctx.orgId, email: input.email, name: input.name, role: input.role, signInMethod: input.method, passwordHash: null, invitedAt: password ? Date.now() : null })
      .onConflictDoNothing({ target: users.email })
      .returning({ id: users.id });
    if (!user) return { refused: 'email_taken' as const };
    await audit(tx, { orgId: ctx.orgId, actor: ctx.actor, targetUserId: user.id, action: 'user.invited', detail: { email: input.email, role: input.role, method: input.method }, ip: ctx.ip });
    if (password) await mailInvitation(tx, { id: user.id, email: input.email, name: input.name }, ctx.orgId, ctx.actor);
    return { id: user.id };
  });
}

/** The invitee under lock, checked: in the organization, still invited (never accepted), not deactivated. */
async function invitee(tx: Executor, userId: number, ctx: Context) {
  await lockUsers(tx, ctx.actor.kind === 'user' ? [userId, ctx.actor.userId] : [userId]);
  const [user] = await tx
    .select({ id: users.id, orgId: users.orgId, email: users.email, name: users.name, invitedAt: users.invitedAt, deactivatedAt: users.deactivatedAt })
    .from(users)
    .where(eq(users.id, userId));
  if (!user || user.orgId !== ctx.orgId) return { refused: 'not_found' as const };
  if (user.invitedAt === null || user.deactivatedAt !== null) return { refused: 'not_invited' as const };
  if (!(await adminStillActing(tx, ctx.actor, ctx.orgId))) return { refused: 'no_longer_admin' as const };
  return { user };
}

/**
 * Mails the invitation again with a new link (the old one dies), at most RESENDS_PER_HOUR times in
 * a sliding hour per invitee, counted from the audit log under the invitee's lock (every instance sees it).
 */
export async function resendInvitation(userId: number, ctx: Context, now = Date.now()): Promise<{ email: string } | { refused: InvitationRefusal }> {
  return writeTransaction(async (tx) => {
    const found = await invitee(tx, userId, ctx);
    if (found.refused) return { refused: found.refused };
    const [recent] = await tx
      .select({ n: count() })
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, ctx.orgId), eq(auditEvents.targetUserId, userId), eq(auditEvents.action, 'user.invitation_resent'), gt(auditEvents.createdAt, now - 3_600_000)));
    if (recent!.n >= RESENDS_PER_HOUR) return { refused: 'too_many' as const };
    await mailInvitation(tx, found.user, ctx.orgId, ctx.actor);
    await audit(tx, { orgId: ctx.orgId, actor: ctx.actor, targetUserId: userId, action: 'user.invitation_resent', ip: ctx.ip });
    return { email: found.user.email };
  });
}

/** Withdraws an invitation that was never accepted: the user goes, with their link and any mail not sent yet. */
export async function revokeInvitation(userId: number, ctx: Context): Promise<{ email: string } | { refused: InvitationRefusal }> {
  return writeTransaction(async (tx) => {
    const found = await invitee(tx, userId, ctx);
    if (found.refused) return { refused: found.refused };
    // Tokens and outbox rows go with the user (foreign keys, on delete cascade).
    await tx.delete(users).where(and(eq(users.id, userId), isNotNull(users.invitedAt)));
    await audit(tx, { orgId: ctx.orgId, actor: ctx.actor, targetUserId: userId, action: 'user.invitation_revoked', detail: { email: found.user.email }, ip: ctx.ip });
    return { email: found.user.email };
  });
}

/** The invitee a live invitation link names (to greet them), or null: unknown, used, expired or revoked. */
export async function invitationFor(token: string): Promise<{ name: string; email: string } | null> {
  const live = await peekAccountToken(token, 'invitation');
  if (!live) return null;
  const [user] = await (await db()).select({ name: users.name, email: users.email }).from(users).where(and(eq(users.id, live.userId), isNotNull(users.invitedAt), isNull(users.deactivatedAt)));
  return user ?? null;
}

/**
 * The invitee chooses their password: the link is used up (of two submits, one wins) and the user
 * becomes active. They then sign in as anyone does and meet the organization's 2FA policy.
 */
export async function acceptInvitation(token: string, password: string, ip: string | null): Promise<{ email: string } | null> {
  if (!(await peekAccountToken(token, 'invitation'))) return null;
  const passwordHash = await hashPassword(password);
  return writeTransaction(async (tx) => {
    // The user's lock before the token's row, in the order a deactivation or revocation takes them.
    const [named] = await tx.select({ userId: accountTokens.userId }).from(accountTokens).where(eq(accountTokens.id, tokenDigest(token)));
    if (!named) return null;
    await lockUser(tx, named.userId);
    const used = await consumeAccountToken(tx, token, 'invitation');
    if (!used) return null;
    const [user] = await tx
      .update(users)
      .set({ passwordHash, invitedAt: null, credentialsVersion: sql`${users.credentialsVersion} + 1` })
      .where(and(eq(users.id, used.userId), isNotNull(users.invitedAt), isNull(users.deactivatedAt)))
      .returning({ orgId: users.orgId, email: users.email });
    if (!user) return null;
    await audit(tx, { orgId: user.orgId, actor: { kind: 'user', userId: used.userId }, targetUserId: used.userId, action: 'user.invitation_accepted', ip });
    return { email: user.email };
  });
}
