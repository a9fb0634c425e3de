import 'server-only';
import { and, asc, eq, isNull, lte, or } from 'drizzle-orm';
import { type Executor, writeTransaction } from '@/db';
import { skipLocked } from '@/db/dialect';
import { mailOutbox, type MailRow } from '@/db/schema';
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
 * Writes a mail into the outbox, in the caller's transaction: it is sent if and only if the event
 * that causes it is committed (a crash right after the commit delays it, never loses it).
 */
export async function enqueueMail(tx: Executor, mail: OutgoingMail, now = Date.now()): Promise<void> {
  await tx.insert(mailOutbox).values({ kind: mail.kind, userId: mail.userId, toAddress: mail.to, subject: mail.subject, textBody: mail.text, htmlBody: mail.html, createdAt: now, nextAttemptAt: now });
}

/** The wait before attempt `attempt + 1`: 10 s, 20 s, 40 s, … up to an hour, with a little jitter so instances do not retry in step. */
export function backoffMs(attempt: number, random = Math.random()): number {
  const base = Math.min(10_000 * 2 ** Math.max(0, attempt - 1), 3_600_000);
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

/** Delivered: the bodies go (they may hold a single-use link); what was sent, to whom and when stays. */
export async function markSent(mail: MailRow, now = Date.now()): Promise<void> {
  await writeTransaction((tx) =>
    tx.update(mailOutbox).set({ sentAt: now, attempts: mail.attempts + 1, textBody: null, htmlBody: null, claimedUntil: null, lastError: null }).where(eq(mailOutbox.id, mail.id)),
  );
}

/** Not delivered: tried again after a backoff, or given up after the last attempt (the bodies go then too). */
export async function markFailed(mail: MailRow, error: string, now = Date.now()): Promise<'retry' | 'failed'> {
  const attempts = mail.attempts + 1;
  const last = attempts >= config().mail.attempts;
  await writeTransaction((tx) =>
    tx
      .update(mailOutbox)
      .set(
        last
          ? { attempts, failedAt: now, textBody: null, htmlBody: null, claimedUntil: null, lastError: error }
          : { attempts, nextAttemptAt: now + backoffMs(attempts), claimedUntil: null, lastError: error },
      )
      .where(eq(mailOutbox.id, mail.id)),
  );
  return last ? 'failed' : 'retry';
}
