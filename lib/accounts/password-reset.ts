import 'server-only';
import { and, count, eq, gt, isNull, sql } from 'drizzle-orm';
import { type Executor, db, lockUser, writeTransaction } from '@/db';
import { pendingEnrollments, throttleHits, users } from '@/db/schema';
import { addressKey } from '@/lib/address-key';
import { audit, type Actor } from '@/lib/audit';
import { ACCOUNT_TOKEN_MS, consumeAccountToken, issueAccountToken, LINK_MAIL_KINDS, peekAccountToken } from '@/lib/auth/account-tokens';
import { deleteUserChallenges } from '@/lib/auth/challenge';
import { hashPassword } from '@/lib/auth/password';
import { revokeUserSessions } from '@/lib/auth/session';
import { countAttempt, HOUR_MS, HOURLY_KEY_PREFIX, type ThrottleRule } from '@/lib/auth/throttle';
import { config } from '@/lib/config';
import { log } from '@/lib/log';
import { formatCompactDateTime } from '@/lib/i18n/utc-times';
import { appLink, renderMail } from '@/lib/mail/messages';
import { enqueueMail } from '@/lib/mail/outbox';
import { recipientLocale } from '@/lib/mail/locale';
import type { Locale } from '@/lib/i18n/locales';
import { translatorFor } from '@/lib/i18n/translate';
import { endTrustedBrowsers } from '@/lib/auth/trusted-browsers';

/** The page a reset link opens (lib/auth/link-cookie.ts moves its token into a cookie). */
export const RESET_PATH = '/login/reset-password';

/** The one answer to every forgot-password request (a message key: the page translates it, the CLI reads it with english()). */
export const RESET_REQUESTED = 'ForgotPassword.requested';

/** Keys of their own, not sign-in's: a flood of reset requests locks no one's sign-in. Keyed by the submitted email, known or not. */
function requestRules(email: string, ip: string): ThrottleRule[] {
  const { emailRequests, ipRequests } = config().reset;
  const { windowMs } = config().password;
  return [
    { key: `reset:email:${email}`, limit: emailRequests, windowMs, lockMs: windowMs },
    { key: `reset:ip:${addressKey(ip)}`, limit: ipRequests, windowMs, lockMs: windowMs },
  ];
}

/**
 * Counts a forgot-password request (a committed write for every request, whatever the email) and
 * says whether it is within the limits. The work itself (`sendResetLink`) runs after the answer.
 */
export async function countResetRequest(email: string, ip: string, now = Date.now()): Promise<boolean> {
  const attempt = await countAttempt(requestRules(email, ip), now, async (_tx, rule) => log('password_reset.throttled', { throttle: rule.key.split(':')[1], ip }));
  return !('lockedUntil' in attempt);
}

export type ResetLinkOutcome = 'sent' | 'no_account' | 'capped';

/**
 * Link mails sent to the account in the last hour, counted in the throttle's table (an hourly key,
 * kept that long by its purge): not the outbox, whose unsent link mails a newer link deletes.
 */
async function linkMailsThisHour(tx: Executor, userId: number, now: number): Promise<number> {
  const [row] = await tx.select({ n: count() }).from(throttleHits).where(and(eq(throttleHits.key, mailCapKey(userId)), gt(throttleHits.at, now - HOUR_MS)));
  return row!.n;
}

const mailCapKey = (userId: number) => `${HOURLY_KEY_PREFIX}reset-mail:${userId}`;

/**
 * Mails a single-use reset link to the account with this email, if it is active and signs in with a
 * password it has: no mail to an unknown, SSO, deactivated or not-yet-activated account. At most
 * DESKGATE_RESET_MAILS_PER_HOUR link mails an hour per account (counted under the user's lock),
 * unless an operator sends it (`capped: false`). The link's mail and its audit event commit together.
 */
export async function sendResetLink(email: string, ip: string | null, actor: Actor, options: { capped: boolean }, now = Date.now()): Promise<ResetLinkOutcome> {
  const [found] = await (await db()).select({ id: users.id }).from(users).where(eq(users.email, email));
  if (!found) return 'no_account';
  return writeTransaction(async (tx) => {
    await lockUser(tx, found.id);
    const [user] = await tx
      .select({ orgId: users.orgId, name: users.name, email: users.email, method: users.signInMethod, hasPassword: sql<boolean>`${users.passwordHash} is not null`, deactivatedAt: users.deactivatedAt })
      .from(users)
      .where(eq(users.id, found.id));
    if (!user || user.method !== 'password' || !user.hasPassword || user.deactivatedAt !== null) return 'no_account';
    if (options.capped && (await linkMailsThisHour(tx, found.id, now)) >= config().reset.mailsPerHour) {
      log('password_reset.capped', { user: found.id, ip: ip ?? undefined });
      return 'capped';
    }
    if (options.capped) await tx.insert(throttleHits).values({ key: mailCapKey(found.id), at: now });
    const token = await issueAccountToken(tx, found.id, 'password_reset', now);
    await enqueueMail(tx, resetLinkMail(found.id, user, token, ip, await recipientLocale(tx, found.id, actor), now), now);
    await audit(tx, { orgId: user.orgId, actor, targetUserId: found.id, action: 'password.reset_link_sent', ip });
    return 'sent';
  });
}

/** In the user's language: their choice, else the browser's that asked for the link (an operator's: English). */
function resetLinkMail(userId: number, user: { email: string; name: string }, token: string, ip: string | null, locale: Locale, now: number) {
  const t = translatorFor(locale);
  const minutes = ACCOUNT_TOKEN_MS.password_reset / 60_000;
  return renderMail({
    kind: LINK_MAIL_KINDS.password_reset,
    userId,
    to: user.email,
    locale,
    name: user.name,
    subject: t('Mail.resetLink.subject'),
    paragraphs: [t('Mail.resetLink.body')],
    facts: [[t('Mail.fact.when'), formatCompactDateTime(now, locale)], ...(ip ? [[t('Mail.fact.fromAddress'), ip] as [string, string]] : [])],
    // From AUTH_URL, never from the request's Host header (lib/mail/messages.ts).
    link: { label: t('Mail.resetLink.link'), url: appLink(`${RESET_PATH}?token=${token}`) },
    closing: t('Mail.resetLink.closing', { minutes }),
  });
}

/**
 * The email of the account a live link resets (shown on the form, and given to password managers), or
 * null to show "expired": unknown, used or expired, or its user no longer an active password user. Uses nothing.
 */
export async function resetLinkEmail(token: string | null): Promise<string | null> {
  const live = token === null ? null : await peekAccountToken(token, 'password_reset');
  if (!live) return null;
  const [user] = await (await db()).select({ email: users.email }).from(users).where(and(eq(users.id, live.userId), eq(users.signInMethod, 'password'), isNull(users.deactivatedAt)));
  return user?.email ?? null;
}

/**
 * Sets a new password through a reset link: the token is used up by one conditional UPDATE (of two
 * submits, one wins), then every session, pending sign-in, setup and step-up of the user ends, and
 * the credentials version moves on (a remembered device and any challenge in flight stop counting).
 * Two-factor settings are untouched: the next sign-in asks for the second factor as before.
 * False, changing nothing, when the link is dead (unknown, used, expired, or its user no longer a password user).
 */
export async function resetPasswordWithLink(token: string, newPassword: string, ip: string | null): Promise<boolean> {
  const peeked = await peekAccountToken(token, 'password_reset');
  if (!peeked) return false;
  // Hashed off the event loop, before any lock is taken.
  const passwordHash = await hashPassword(newPassword);
  return writeTransaction(async (tx) => {
    await lockUser(tx, peeked.userId);
    const used = await consumeAccountToken(tx, token, 'password_reset');
    if (!used) return false;
    const [user] = await tx.select({ orgId: users.orgId, method: users.signInMethod, deactivatedAt: users.deactivatedAt }).from(users).where(eq(users.id, used.userId));
    if (!user || user.method !== 'password' || user.deactivatedAt !== null) return false;
    await tx.update(users).set({ passwordHash, credentialsVersion: sql`${users.credentialsVersion} + 1` }).where(eq(users.id, used.userId));
    await revokeUserSessions(tx, used.userId);
    await deleteUserChallenges(tx, used.userId);
    await endTrustedBrowsers(tx, used.userId);
    await tx.delete(pendingEnrollments).where(eq(pendingEnrollments.userId, used.userId));
    await audit(tx, { orgId: user.orgId, actor: { kind: 'user', userId: used.userId }, targetUserId: used.userId, action: 'password.reset', detail: { via: 'link' }, ip });
    return true;
  });
}
