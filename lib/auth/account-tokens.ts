import 'server-only';
import { and, eq, gt, inArray, isNull, lte } from 'drizzle-orm';
import { type Executor, db } from '@/db';
import { skipLocked } from '@/db/dialect';
import { accountTokens, type AccountTokenPurpose, mailOutbox } from '@/db/schema';
import { newToken, tokenDigest } from './tokens';

/** How long a link lasts: a forgotten password's 30 minutes, an invitation's 48 hours. */
export const ACCOUNT_TOKEN_MS: Record<AccountTokenPurpose, number> = { password_reset: 30 * 60_000, invitation: 48 * 3_600_000 };

/** The outbox kind of the mail that carries each purpose's link. */
export const LINK_MAIL_KINDS: Record<AccountTokenPurpose, string> = { password_reset: 'password_reset', invitation: 'invitation' };

/**
 * A link that ends (used, replaced by a newer one, revoked) takes its mails not sent yet with it:
 * a mail still waiting (the SMTP server down) or given up would only deliver a dead link, and its
 * body is no use to anyone who reads the database either.
 */
async function dropUnsentLinkMails(tx: Executor, userId: number, purpose: AccountTokenPurpose): Promise<void> {
  await tx.delete(mailOutbox).where(and(eq(mailOutbox.userId, userId), eq(mailOutbox.kind, LINK_MAIL_KINDS[purpose]), isNull(mailOutbox.sentAt)));
}

/**
 * A new single-use link token for `userId` (the database keeps its digest). The user's earlier
 * unused tokens of the same purpose end with it: only the newest mail's link works. Call it under
 * the user's row lock, in the transaction that also writes the mail.
 */
export async function issueAccountToken(tx: Executor, userId: number, purpose: AccountTokenPurpose, now = Date.now()): Promise<string> {
  await tx.delete(accountTokens).where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, purpose)));
  await dropUnsentLinkMails(tx, userId, purpose);
  // Housekeeping: anyone's tokens that expired over a day ago (a link that old says "expired" as an
  // unknown one does), a batch at a time. Other users' rows are taken without their user's lock, so
  // rows another transaction holds (a deactivation revoking its user's links) are left to it: never
  // a wait, so never a deadlock against the lock order.
  const old = skipLocked(tx.select({ id: accountTokens.id }).from(accountTokens).where(lte(accountTokens.expiresAt, now - 24 * 3_600_000)).limit(100));
  await tx.delete(accountTokens).where(inArray(accountTokens.id, old));
  const token = newToken();
  await tx.insert(accountTokens).values({ id: tokenDigest(token), userId, purpose, createdAt: now, expiresAt: now + ACCOUNT_TOKEN_MS[purpose] });
  return token;
}

/** Whose live, unused token this is (to show the form), or null: unknown, used, expired or of another purpose. Uses nothing. */
export async function peekAccountToken(token: string, purpose: AccountTokenPurpose, now = Date.now()): Promise<{ userId: number } | null> {
  const [row] = await (await db())
    .select({ userId: accountTokens.userId })
    .from(accountTokens)
    .where(and(eq(accountTokens.id, tokenDigest(token)), eq(accountTokens.purpose, purpose), isNull(accountTokens.usedAt), gt(accountTokens.expiresAt, now)));
  return row ?? null;
}

/** Uses a token up by one conditional UPDATE (of two requests carrying it, one gets it): its user, or null. */
export async function consumeAccountToken(tx: Executor, token: string, purpose: AccountTokenPurpose, now = Date.now()): Promise<{ userId: number } | null> {
  const [row] = await tx
    .update(accountTokens)
    .set({ usedAt: now })
    .where(and(eq(accountTokens.id, tokenDigest(token)), eq(accountTokens.purpose, purpose), isNull(accountTokens.usedAt), gt(accountTokens.expiresAt, now)))
    .returning({ userId: accountTokens.userId });
  if (row) await dropUnsentLinkMails(tx, row.userId, purpose);
  return row ?? null;
}

/** Ends a user's unused tokens of a purpose (an invitation revoked, a password set another way). */
export async function revokeAccountTokens(tx: Executor, userId: number, purpose: AccountTokenPurpose): Promise<void> {
  await tx.delete(accountTokens).where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, purpose)));
  await dropUnsentLinkMails(tx, userId, purpose);
}
