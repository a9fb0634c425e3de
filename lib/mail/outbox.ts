import 'server-only';
import { and, asc, count, desc, eq, isNotNull, isNull, lte, min, or } from 'drizzle-orm';
import { type Executor, db, writeTransaction } from '@/db';
import { skipLocked } from '@/db/dialect';
import { mailOutbox, type MailRow } from '@/db/schema';
import { ACCOUNT_TOKEN_MS, LINK_MAIL_KINDS } from '@/lib/auth/account-tokens';
import { decryptBound, encryptBound } from '@/lib/auth/crypto';
import { config } from '@/lib/config';

/** A mail as the event that causes it writes it: rendered already (see ./messages.ts). */
export interface OutgoingMail {
  /** What it is about, such as `2fa.disabled` or `password_reset` (the log and the tests read it). */
  kind: string;
  userId: number | null;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * How long an instance holds a mail it is sending; after a crash another takes it over then. Longer
 * than one delivery can take (./transport.ts bounds it to 40 s), so that no mail goes twice while
 * its first sender is still at it: hence one mail a claim.
 */
export const LEASE_MS = 60_000;

/**
 * The bodies are stored encrypted under the server's encryption key, bound to the recipient: a mail
 * waiting to be sent may hold a single-use link (a password reset, an invitation), and a copy of the
 * database (a backup, a replica, a leaked dump) must not hand out working links.
 */
const bodyContext = (to: string) => `mail:${to}`;

/**
 * Writes a mail into the outbox, in the caller's transaction: it is sent if and only if the event
 * that causes it is committed (a crash right after the commit delays it, never loses it).
 */
export async function enqueueMail(tx: Executor, mail: OutgoingMail, now = Date.now()): Promise<void> {
  const seal = (body: string) => encryptBound(body, bodyContext(mail.to));
  await tx.insert(mailOutbox).values({ kind: mail.kind, userId: mail.userId, toAddress: mail.to, subject: mail.subject, textBody: seal(mail.text), htmlBody: seal(mail.html), createdAt: now, nextAttemptAt: now });
}

/** A stored mail with its bodies readable again (null once sent). Throws if they were tampered with or moved to another recipient. */
export function openMail(mail: MailRow): MailRow {
  const open = (body: string | null) => (body === null ? null : decryptBound(body, bodyContext(mail.toAddress)));
  return { ...mail, textBody: open(mail.textBody), htmlBody: open(mail.htmlBody) };
}

/**
 * The wait before attempt `attempt + 1`: 10 s (DESKGATE_MAIL_RETRY_MS), 20 s, 40 s, … up to an hour,
 * with a little jitter so instances do not retry in step.
 */
export function backoffMs(attempt: number, random = Math.random(), first = config().mail.retryMs): number {
  const base = Math.min(first * 2 ** Math.max(0, attempt - 1), 3_600_000);
  return Math.round(base * (0.9 + 0.2 * random));
}

/**
 * Takes the next due mail for this instance, with a lease. A row another instance is claiming right
 * now is skipped (PostgreSQL; SQLite writes one transaction at a time), so each mail goes to one of them.
 */
export async function claimDueMail(now = Date.now()): Promise<MailRow | null> {
  return writeTransaction(async (tx) => {
    const due = skipLocked(
      tx
        .select({ id: mailOutbox.id })
        .from(mailOutbox)
        .where(and(isNull(mailOutbox.sentAt), isNull(mailOutbox.failedAt), lte(mailOutbox.nextAttemptAt, now), or(isNull(mailOutbox.claimedUntil), lte(mailOutbox.claimedUntil, now))))
        .orderBy(asc(mailOutbox.nextAttemptAt))
        .limit(1),
    );
    const [next] = await due;
    if (!next) return null;
    const [claimed] = await tx
      .update(mailOutbox)
      .set({ claimedUntil: now + LEASE_MS })
      .where(and(eq(mailOutbox.id, next.id), or(isNull(mailOutbox.claimedUntil), lte(mailOutbox.claimedUntil, now))))
      .returning();
    return claimed ?? null;
  });
}

/**
 * The mail, while this instance's claim on it stands: a send that outlived its lease (another
 * instance has claimed the mail since) records nothing, and the other instance's outcome stands.
 */
const ownLease = (mail: MailRow) => and(eq(mailOutbox.id, mail.id), mail.claimedUntil === null ? isNull(mailOutbox.claimedUntil) : eq(mailOutbox.claimedUntil, mail.claimedUntil));

/** Delivered: the bodies go (they may hold a single-use link); what was sent, to whom and when stays. */
export async function markSent(mail: MailRow, now = Date.now()): Promise<void> {
  await writeTransaction((tx) =>
    tx.update(mailOutbox).set({ sentAt: now, attempts: mail.attempts + 1, textBody: null, htmlBody: null, claimedUntil: null, lastError: null }).where(ownLease(mail)),
  );
}

/**
 * Not delivered: tried again after a backoff, or given up after the last attempt. A mail given up
 * keeps its bodies, so that `npm run cli -- mail:retry` can send it once the server is back (a link
 * in it expires as it would have: a reset link after 30 minutes).
 */
export async function markFailed(mail: MailRow, error: string, now = Date.now()): Promise<'retry' | 'failed'> {
  const attempts = mail.attempts + 1;
  const last = attempts >= config().mail.attempts;
  await writeTransaction((tx) =>
    tx
      .update(mailOutbox)
      .set(
        last
          ? { attempts, failedAt: now, claimedUntil: null, lastError: error }
          : { attempts, nextAttemptAt: now + backoffMs(attempts), claimedUntil: null, lastError: error },
      )
      .where(ownLease(mail)),
  );
  return last ? 'failed' : 'retry';
}

/** What `mail:status` shows: the outbox's mails by state, the oldest one waiting and the last error. */
export interface OutboxStatus {
  pending: number;
  sent: number;
  failed: number;
  /** When the oldest mail not sent yet was written (null: none waits). */
  oldestPendingAt: number | null;
  /** The latest delivery error still on a mail not sent (null: none). */
  lastError: string | null;
}

export async function outboxStatus(): Promise<OutboxStatus> {
  const reader = await db();
  const pendingRows = and(isNull(mailOutbox.sentAt), isNull(mailOutbox.failedAt));
  const [pending] = await reader.select({ n: count(), oldest: min(mailOutbox.createdAt) }).from(mailOutbox).where(pendingRows);
  const [sent] = await reader.select({ n: count() }).from(mailOutbox).where(isNotNull(mailOutbox.sentAt));
  const [failed] = await reader.select({ n: count() }).from(mailOutbox).where(isNotNull(mailOutbox.failedAt));
  const [error] = await reader
    .select({ lastError: mailOutbox.lastError })
    .from(mailOutbox)
    .where(and(isNull(mailOutbox.sentAt), isNotNull(mailOutbox.lastError)))
    .orderBy(desc(mailOutbox.id))
    .limit(1);
  // PostgreSQL's count and min are bigint (text in node-postgres).
  const oldest = pending?.oldest ?? null;
  return { pending: Number(pending?.n ?? 0), sent: Number(sent?.n ?? 0), failed: Number(failed?.n ?? 0), oldestPendingAt: oldest === null ? null : Number(oldest), lastError: error?.lastError ?? null };
}

/**
 * The mails given up go back to pending, due now, with their attempts counted afresh (the operator
 * fixed the SMTP server). A link mail whose link has expired since is deleted instead (it could only
 * mislead); those and the ones whose bodies are gone cannot be sent again: `skipped` counts them.
 */
export async function retryFailedMails(tx: Executor, now = Date.now()): Promise<{ retried: number; skipped: number }> {
  let expired = 0;
  for (const [purpose, kind] of Object.entries(LINK_MAIL_KINDS) as [keyof typeof LINK_MAIL_KINDS, string][]) {
    const gone = await tx
      .delete(mailOutbox)
      .where(and(isNotNull(mailOutbox.failedAt), eq(mailOutbox.kind, kind), lte(mailOutbox.createdAt, now - ACCOUNT_TOKEN_MS[purpose])))
      .returning({ id: mailOutbox.id });
    expired += gone.length;
  }
  const retried = await tx
    .update(mailOutbox)
    .set({ failedAt: null, attempts: 0, nextAttemptAt: now, claimedUntil: null })
    .where(and(isNotNull(mailOutbox.failedAt), isNotNull(mailOutbox.textBody)))
    .returning({ id: mailOutbox.id });
  const [skipped] = await tx.select({ n: count() }).from(mailOutbox).where(isNotNull(mailOutbox.failedAt));
  return { retried: retried.length, skipped: Number(skipped?.n ?? 0) + expired };
}
