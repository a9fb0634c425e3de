import { expect } from '@playwright/test';
import { smtpSink } from './env';

/** A mail as the run's SMTP server (e2e/support/smtp-sink.mjs) received and parsed it. */
export interface ReceivedMail {
  id: number;
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  /** The X-Deskgate-Kind header: what the mail is about (`2fa.disabled`, `password_reset`, …). */
  kind: string;
  messageId: string;
  receivedAt: number;
}

/** Every mail received so far for `address`, oldest first. */
export async function mailsTo(address: string): Promise<ReceivedMail[]> {
  const response = await fetch(`${smtpSink.api}/mails?to=${encodeURIComponent(address)}`);
  if (!response.ok) throw new Error(`the SMTP sink answered ${response.status}`);
  return (await response.json()) as ReceivedMail[];
}

/** Waits for the `count`th mail of `kind` to `address` (the sender loop polls every 100 ms in the test run) and returns it. */
export async function waitForMail(address: string, kind: string, { count = 1, timeout = 20_000 } = {}): Promise<ReceivedMail> {
  let found: ReceivedMail[] = [];
  await expect
    .poll(
      async () => {
        found = (await mailsTo(address)).filter((mail) => mail.kind === kind);
        return found.length;
      },
      { timeout, message: `mail "${kind}" to ${address}` },
    )
    .toBeGreaterThanOrEqual(count);
  return found[count - 1]!;
}

/** The links in a mail's plain text, in order. */
export function linksIn(mail: ReceivedMail): string[] {
  return [...mail.text.matchAll(/https?:\/\/[^\s<>"]+/g)].map((match) => match[0]);
}

/**
 * The next `count` mails the sink receives are refused with a temporary failure (451), as by a server
 * that is down; with `to`, only the next ones to that address (other workers' mails go through).
 */
export async function refuseNextMails(count: number, to?: string): Promise<void> {
  const response = await fetch(`${smtpSink.api}/refuse?count=${count}${to ? `&to=${encodeURIComponent(to)}` : ''}`, { method: 'POST' });
  if (!response.ok) throw new Error(`the SMTP sink answered ${response.status}`);
}
