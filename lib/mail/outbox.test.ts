import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { db, writeTransaction } from '@/db';
import { mailOutbox } from '@/db/schema';
import { config, readConfig } from '@/lib/config';
import { backoffMs, claimDueMail, enqueueMail, LEASE_MS, markFailed, markSent, openMail, outboxStatus, retryFailedMails } from './outbox';
import { deliverNext } from './sender';
import { isLoopback, mailTransport, type MailTransport } from './transport';

process.env.DESKGATE_LOG = 'off';
const mail = (to: string) => ({ kind: 'test.notice', userId: null, to, subject: 'Subject', text: 'Body with https://example.test/link?token=secret', html: '<p>Body</p>' });
const row = async (to: string) => (await (await db()).select().from(mailOutbox).where(eq(mailOutbox.toAddress, to)))[0]!;
const clear = () => writeTransaction((tx) => tx.delete(mailOutbox));

const recording = (fail = false) => {
  const sent: string[] = [];
  const texts: string[] = [];
  const transport: MailTransport = {
    async send(m) {
      if (fail) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:2525'), { code: 'ECONNREFUSED' });
      sent.push(m.toAddress);
      texts.push(m.textBody ?? '');
      return { kind: 'smtp', response: '250 OK' };
    },
    close() {},
  };
  return { sent, texts, transport };
};

test('a mail written in a transaction that rolls back is never sent', async () => {
  await clear();
  await assert.rejects(
    writeTransaction(async (tx) => {
      await enqueueMail(tx, mail('rolled-back@x.example'));
      throw new Error('the event failed');
    }),
  );
  const { sent, transport } = recording();
  assert.equal(await deliverNext(transport), 'idle');
  assert.deepEqual(sent, []);
});

test('a waiting mail’s bodies are encrypted, bound to its recipient (a copy of the database hands out no link)', async () => {
  await clear();
  await writeTransaction((tx) => enqueueMail(tx, mail('sealed@x.example')));
  await writeTransaction((tx) => enqueueMail(tx, mail('other@x.example')));
  const stored = await row('sealed@x.example');
  for (const body of [stored.textBody!, stored.htmlBody!]) {
    assert.match(body, /^v1\./);
    assert.doesNotMatch(body, /token|Body/);
  }
  assert.equal(openMail(stored).textBody, mail('x').text);
  assert.equal(openMail(stored).htmlBody, mail('x').html);
  // Moved onto another recipient's row, a body no longer opens; the sender gives it the refused send's path.
  assert.throws(() => openMail({ ...stored, toAddress: 'other@x.example' }));
  await writeTransaction((tx) => tx.update(mailOutbox).set({ textBody: stored.textBody }).where(eq(mailOutbox.toAddress, 'other@x.example')));
  await writeTransaction((tx) => tx.delete(mailOutbox).where(eq(mailOutbox.toAddress, 'sealed@x.example')));
  const { sent, transport } = recording();
  assert.equal(await deliverNext(transport), 'retry');
  assert.deepEqual(sent, []);
});

test('a due mail is delivered once, readable; its bodies are emptied once sent', async () => {
  await clear();
  await writeTransaction((tx) => enqueueMail(tx, mail('once@x.example')));
  const { sent, texts, transport } = recording();
  assert.equal(await deliverNext(transport), 'sent');
  assert.equal(await deliverNext(transport), 'idle');
  assert.deepEqual(sent, ['once@x.example']);
  assert.deepEqual(texts, [mail('x').text], 'the transport gets the bodies decrypted');
  const stored = await row('once@x.example');
  assert.ok(stored.sentAt);
  assert.equal(stored.textBody, null, 'a sent mail keeps no single-use link');
  assert.equal(stored.htmlBody, null);
  assert.equal(stored.attempts, 1);
});

test('a claimed mail is nobody else’s until its lease runs out (a crashed sender’s mail is taken over then)', async () => {
  await clear();
  const now = Date.now();
  await writeTransaction((tx) => enqueueMail(tx, mail('lease@x.example'), now));
  const first = await claimDueMail(now);
  assert.equal(first?.toAddress, 'lease@x.example');
  assert.equal(await claimDueMail(now + 1000), null, 'another instance does not take it while it is being sent');
  const again = await claimDueMail(now + LEASE_MS + 1);
  assert.equal(again?.id, first!.id, 'after the lease, the mail is not lost');
});

test('a failed delivery is retried with a growing backoff, then given up after the last attempt', async () => {
  await clear();
  const start = Date.now();
  await writeTransaction((tx) => enqueueMail(tx, mail('down@x.example'), start));
  const { transport } = recording(true);
  assert.equal(await deliverNext(transport, start), 'retry');
  let stored = await row('down@x.example');
  assert.equal(stored.attempts, 1);
  assert.match(stored.lastError ?? '', /ECONNREFUSED/);
  assert.ok(stored.nextAttemptAt >= start + backoffMs(1, 0) && stored.nextAttemptAt <= start + backoffMs(1, 1) + 1000);
  assert.equal(await deliverNext(transport, start + 1000), 'idle', 'not before its backoff');
  let at = stored.nextAttemptAt;
  for (let attempt = 2; attempt < config().mail.attempts; attempt++) {
    assert.equal(await deliverNext(transport, at), 'retry');
    at = (await row('down@x.example')).nextAttemptAt;
  }
  assert.equal(await deliverNext(transport, at), 'failed');
  stored = await row('down@x.example');
  assert.ok(stored.failedAt);
  assert.ok(stored.textBody, 'a mail given up keeps its bodies, for mail:retry');
  assert.equal(await deliverNext(transport, at + 10 * 3_600_000), 'idle', 'a mail given up is not tried again');
});

test('mail:status counts the outbox; mail:retry puts the mails given up back, due now, and they go once', async () => {
  await clear();
  const start = Date.now();
  await writeTransaction((tx) => enqueueMail(tx, mail('given-up@x.example'), start - 60_000));
  // Given up after its last attempt (an hour apart: past any backoff); another then waits for its first.
  const failing = recording(true);
  for (let i = 0; i < config().mail.attempts; i++) await deliverNext(failing.transport, start + i * 4_000_000);
  assert.ok((await row('given-up@x.example')).failedAt);
  await writeTransaction((tx) => enqueueMail(tx, mail('waiting@x.example'), start - 30_000));
  let status = await outboxStatus();
  assert.equal(status.failed, 1);
  assert.equal(status.sent, 0);
  assert.equal(status.pending, 1);
  assert.match(status.lastError ?? '', /ECONNREFUSED/);
  const { retried, skipped } = await writeTransaction((tx) => retryFailedMails(tx));
  assert.deepEqual({ retried, skipped }, { retried: 1, skipped: 0 });
  status = await outboxStatus();
  assert.equal(status.pending, 2);
  assert.equal(status.oldestPendingAt, start - 60_000);
  const { sent, transport } = recording();
  while ((await deliverNext(transport)) !== 'idle');
  assert.deepEqual(sent.sort(), ['given-up@x.example', 'waiting@x.example']);
  status = await outboxStatus();
  assert.deepEqual(status, { pending: 0, sent: 2, failed: 0, oldestPendingAt: null, lastError: null });
});

test('backoff doubles from 10 s (DESKGATE_MAIL_RETRY_MS) up to an hour, with jitter of ±10%', () => {
  assert.equal(readConfig({}).mail.retryMs, 10_000);
  assert.equal(readConfig({ DESKGATE_MAIL_RETRY_MS: '500' }).mail.retryMs, 500);
  assert.throws(() => readConfig({ DESKGATE_MAIL_RETRY_MS: '0' }), /DESKGATE_MAIL_RETRY_MS/);
  assert.equal(backoffMs(2, 0.5, 500), 1000);
  assert.equal(backoffMs(1, 0.5), 10_000);
  assert.equal(backoffMs(2, 0.5), 20_000);
  assert.equal(backoffMs(20, 0.5), 3_600_000);
  assert.equal(backoffMs(1, 0), 9_000);
  assert.equal(backoffMs(1, 1), 11_000);
});

test('without SMTP_URL, a mail becomes an .eml file only its owner can read', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'deskgate-mail-'));
  assert.equal(config().mail.smtpUrl, undefined, 'the unit tests run without SMTP_URL');
  const saved = config().mail.dir;
  config().mail.dir = dir;
  try {
    await clear();
    await writeTransaction((tx) => enqueueMail(tx, mail('file@x.example')));
    assert.equal(await deliverNext(mailTransport()), 'sent');
  } finally {
    config().mail.dir = saved;
  }
  const files = readdirSync(path.join(dir));
  assert.equal(files.length, 1);
  assert.match(files[0]!, /test\.notice\.eml$/);
  const file = path.join(dir, files[0]!);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  const eml = readFileSync(file, 'utf8');
  assert.match(eml, /^To: file@x\.example$/m);
  assert.match(eml, /^X-Deskgate-Kind: test\.notice$/m);
  assert.match(eml, /^Message-ID: <deskgate\.\d+\.\d+@/m);
});

test('SMTP_URL and MAIL_FROM: a malformed value is one clear line that never echoes the password', async () => {
  assert.throws(() => readConfig({ SMTP_URL: 'http://user:hunter2@mail.example' }), (e: Error) => /SMTP_URL: must be smtp:\/\//.test(e.message) && !e.message.includes('hunter2'));
  assert.throws(() => readConfig({ SMTP_URL: 'not a url' }), /SMTP_URL/);
  assert.throws(() => readConfig({ MAIL_FROM: 'nobody' }), /MAIL_FROM: must be an address/);
  assert.equal(readConfig({ SMTP_URL: 'smtps://u:p@mail.example:465' }).mail.smtpUrl, 'smtps://u:p@mail.example:465');
  assert.equal(readConfig({ MAIL_FROM: 'Acme <it@acme.example>' }).mail.from, 'Acme <it@acme.example>');
  assert.equal(readConfig({ AUTH_URL: 'https://login.acme.example' }).mail.from, 'Deskgate <no-reply@login.acme.example>');
});

test('a send that outlived its lease records nothing: the instance that claimed the mail since decides', async () => {
  await clear();
  const now = Date.now();
  await writeTransaction((tx) => enqueueMail(tx, mail('slow@x.example'), now));
  const slow = (await claimDueMail(now))!;
  const taker = (await claimDueMail(now + LEASE_MS + 1))!;
  await markFailed(taker, 'ECONNRESET', now + LEASE_MS + 2);
  await markSent(slow, now + LEASE_MS + 3);
  const stored = await row('slow@x.example');
  assert.equal(stored.sentAt, null, 'the late outcome was not recorded');
  assert.equal(stored.lastError, 'ECONNRESET');
});

test('smtp:// to another machine requires STARTTLS; loopback need not', () => {
  for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]']) assert.equal(isLoopback(new URL(`smtp://${host}:25`).hostname), true, host);
  for (const host of ['mail.example.com', '10.0.0.5', '128.0.0.1']) assert.equal(isLoopback(new URL(`smtp://${host}:25`).hostname), false, host);
});
