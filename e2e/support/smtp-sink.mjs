// The test run's mail server: a real SMTP server (smtp-server) that parses every mail it receives
// (mailparser) and keeps it in memory, and a small HTTP API on loopback through which the tests,
// in any worker, read the mails (e2e/support/mailbox.ts). SMTP_SINK_PORT, SMTP_SINK_API_PORT.
//   GET  /healthz             ready
//   GET  /mails?to=ADDRESS    the mails to ADDRESS, oldest first (JSON)
//   POST /refuse?count=N[&to=ADDRESS]
//                             answer the next N mails (to ADDRESS only, when given: tests in parallel workers
//                             then do not delay each other's) with a temporary failure (451), as a server that is down
import { createServer } from 'node:http';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

const smtpPort = Number(process.env.SMTP_SINK_PORT);
const apiPort = Number(process.env.SMTP_SINK_API_PORT);
// The credentials in the run's SMTP_URL (e2e/support/env.ts): a mail sent without them is refused.
const USER = 'deskgate';
const PASSWORD = 'sink-password';

const mails = [];
let refuse = 0;
// Address -> how many of its next mails to refuse.
const refuseTo = new Map();

const smtp = new SMTPServer({
  disabledCommands: ['STARTTLS'],
  allowInsecureAuth: true,
  logger: false,
  onAuth(auth, _session, callback) {
    if (auth.username === USER && auth.password === PASSWORD) return callback(null, { user: USER });
    return callback(new Error('Invalid username or password'));
  },
  onData(stream, _session, callback) {
    simpleParser(stream).then(
      (parsed) => {
        const to = (Array.isArray(parsed.to) ? parsed.to : parsed.to ? [parsed.to] : []).flatMap((group) => group.value.map((a) => a.address.toLowerCase()));
        const targeted = to.find((address) => refuseTo.get(address) > 0);
        if (targeted || refuse > 0) {
          if (targeted) refuseTo.set(targeted, refuseTo.get(targeted) - 1);
          else refuse -= 1;
          const error = new Error('Try again later');
          error.responseCode = 451;
          return callback(error);
        }
        mails.push({
          id: mails.length + 1,
          to,
          from: parsed.from?.text ?? '',
          subject: parsed.subject ?? '',
          text: parsed.text ?? '',
          html: typeof parsed.html === 'string' ? parsed.html : '',
          kind: parsed.headers.get('x-deskgate-kind') ?? '',
          messageId: parsed.messageId ?? '',
          receivedAt: Date.now(),
        });
        callback();
      },
      (error) => callback(error),
    );
  },
});
smtp.listen(smtpPort, '127.0.0.1');

createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const json = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (url.pathname === '/healthz') return json(200, { ok: true });
  if (req.method === 'GET' && url.pathname === '/mails') {
    const to = (url.searchParams.get('to') ?? '').toLowerCase();
    return json(200, mails.filter((mail) => mail.to.includes(to)));
  }
  if (req.method === 'POST' && url.pathname === '/refuse') {
    const count = Number(url.searchParams.get('count') ?? 1);
    const to = url.searchParams.get('to')?.toLowerCase();
    if (to) refuseTo.set(to, count);
    else refuse = count;
    return json(200, { refuse: count, ...(to && { to }) });
  }
  json(404, { error: 'not found' });
}).listen(apiPort, '127.0.0.1');
