import 'server-only';
import { config } from '@/lib/config';
import { log } from '@/lib/log';
import { onShutdown } from '@/lib/ops/shutdown';
import { claimDueMail, LEASE_MS, markFailed, markSent, openMail } from './outbox';
import { mailTransport, type MailTransport } from './transport';

// Under the lease, with room to record the outcome before another instance may claim the mail.
const SEND_DEADLINE_MS = LEASE_MS - 15_000;

export type DeliveryOutcome = 'idle' | 'sent' | 'retry' | 'failed';

/** An error as the outbox keeps it: one line, bounded (an SMTP server's answer, a refused connection). */
function describe(error: unknown): string {
  const text = error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : String(error);
  return text.replace(/\s+/g, ' ').slice(0, 500);
}

/** A send that would outlive its lease fails here first (the SMTP timeouts bound each stage, not the whole). */
async function withinLease<T>(sending: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${SEND_DEADLINE_MS / 1000} s`)), SEND_DEADLINE_MS);
  });
  try {
    return await Promise.race([sending, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Claims the next due mail and delivers it: sent, to be retried, given up, or nothing was due. */
export async function deliverNext(transport: MailTransport, now = Date.now()): Promise<DeliveryOutcome> {
  const mail = await claimDueMail(now);
  if (!mail) return 'idle';
  const fields = { mailId: mail.id, kind: mail.kind, userId: mail.userId, attempt: mail.attempts + 1 };
  let delivery;
  try {
    // Bodies that no longer open (tampered with, or another encryption key) fail as a refused send does.
    delivery = await withinLease(transport.send(openMail(mail)));
  } catch (error) {
    const outcome = await markFailed(mail, describe(error));
    log(outcome === 'failed' ? 'mail.failed' : 'mail.deferred', { ...fields, error: describe(error) });
    return outcome;
  }
  await markSent(mail);
  log('mail.sent', { ...fields, ...(delivery.kind === 'file' ? { file: delivery.file } : {}) });
  return 'sent';
}

const SENDER = Symbol.for('deskgate.mail-sender');
const shared = globalThis as unknown as { [SENDER]?: true };

/**
 * The server's sender loop: delivers due mails one after another, then looks again every
 * DESKGATE_MAIL_POLL_MS. A database or SMTP server that is down delays mails; nothing else. Every
 * instance runs one; the outbox's leases give each mail to one of them. Stops on shutdown.
 */
export function startMailSender(): void {
  if (shared[SENDER]) return;
  shared[SENDER] = true;
  const transport = mailTransport();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const round = async () => {
    try {
      while (!stopped && (await deliverNext(transport)) !== 'idle');
    } catch (error) {
      log('mail.sender_error', { error: describe(error) });
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = round().then(schedule);
    }, config().mail.pollMs);
    timer.unref();
  };
  schedule();
  onShutdown(async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
    transport.close();
  });
}
