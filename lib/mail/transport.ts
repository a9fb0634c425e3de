import 'server-only';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { MailRow } from '@/db/schema';
import { config } from '@/lib/config';

/** Where a delivered mail went: an SMTP server's answer, or the file written. */
export type Delivery = { kind: 'smtp'; response: string } | { kind: 'file'; file: string };

export interface MailTransport {
  send(mail: MailRow): Promise<Delivery>;
  close(): void;
}

/** The Message-ID of an outbox row: the same on every attempt, so a receiver can drop a mail that came twice after a crash. */
export function messageId(mail: Pick<MailRow, 'id' | 'createdAt'>, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
  return `<deskgate.${mail.id}.${mail.createdAt}@${domain}>`;
}

function message(mail: MailRow) {
  const { from } = config().mail;
  return { from, to: mail.toAddress, subject: mail.subject, text: mail.textBody ?? '', html: mail.htmlBody ?? undefined, messageId: messageId(mail, from), headers: { 'X-Deskgate-Kind': mail.kind } };
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** SMTP_URL's server. Its timeouts keep one delivery well under the outbox lease (./outbox.ts). */
function smtpTransport(url: string): MailTransport {
  // smtp:// to another machine must upgrade with STARTTLS (no silent fallback to a clear-text AUTH
  // an attacker on the path could strip it down to); a server on loopback need not.
  const requireTLS = url.startsWith('smtp:') && !isLoopback(new URL(url).hostname);
  const transporter: Transporter = nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000, requireTLS });
  return {
    async send(mail) {
      const info = await transporter.sendMail(message(mail));
      return { kind: 'smtp', response: String(info.response ?? '') };
    },
    close: () => transporter.close(),
  };
}

/** Without SMTP_URL: each mail as an .eml file in MAIL_DIR, readable by its owner only (a reset link is in it). */
function fileTransport(dir: string): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = await transporter.sendMail(message(mail));
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const file = path.join(dir, `${new Date(mail.createdAt).toISOString().replace(/[:.]/g, '-')}-${mail.id}-${mail.kind.replace(/[^a-z0-9_.-]/gi, '_')}.eml`);
      await writeFile(file, info.message as Buffer, { mode: 0o600 });
      return { kind: 'file', file };
    },
    close: () => transporter.close(),
  };
}

export function mailTransport(): MailTransport {
  const { smtpUrl, dir } = config().mail;
  return smtpUrl ? smtpTransport(smtpUrl) : fileTransport(dir);
}
