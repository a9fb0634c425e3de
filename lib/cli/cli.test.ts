// Store-independent (its CLI runs on SQLite files of its own (DATABASE_URL=file:…)): the PostgreSQL unit run skips it (package.json test:unit:pg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import Database from 'better-sqlite3';
import bcrypt from 'bcryptjs';
import { runScript, tempDir } from '@/lib/testing/spawn';

const file = path.join(tempDir(), 'cli.db');
const env = { DATABASE_URL: `file:${file}`, DESKGATE_LOG: 'off' };
const cli = (...args: string[]) => runScript('lib/cli/main.ts', args, env);

test('creates an organization and users, lists them as JSON, audits as the operator', () => {
  assert.equal(cli('org:create', '--slug', 'initech', '--name', 'Initech', '--policy', 'required').status, 0);
  const created = cli('user:create', '--org', 'initech', '--email', 'Peter@Initech.example', '--name', 'Peter', '--password', 'tps-reports-1', '--role', 'admin', '--json');
  assert.equal(created.status, 0, created.stderr);
  assert.equal(JSON.parse(created.stdout).email, 'peter@initech.example');
  assert.equal(cli('user:create', '--org', 'initech', '--email', 'sso@initech.example', '--name', 'Sso', '--sso').status, 0);
  const list = JSON.parse(cli('user:list', '--org', 'initech', '--json').stdout);
  assert.deepEqual(list.map((u: { email: string }) => u.email), ['peter@initech.example', 'sso@initech.example']);
  const auditLog = JSON.parse(cli('audit:list', '--org', 'initech', '--json').stdout);
  assert.ok(auditLog.length >= 3 && auditLog.every((e: { actorKind: string }) => e.actorKind === 'operator'));
  assert.equal(cli('org:policy', '--slug', 'initech', '--policy', 'optional').status, 0);
  const passkeysOff = cli('org:passkeys', '--slug', 'initech', '--off');
  assert.equal(passkeysOff.status, 0, passkeysOff.stderr);
  assert.equal(cli('user:require-2fa', '--email', 'peter@initech.example', '--on').status, 0);
  const reset = cli('user:reset-2fa', '--email', 'peter@initech.example', '--json');
  assert.equal(reset.status, 0, reset.stderr);
  const events = JSON.parse(cli('audit:list', '--org', 'initech', '--json').stdout) as { action: string; actorKind: string; detail: string }[];
  const resetEvent = events.find((e) => e.action === '2fa.reset');
  assert.equal(resetEvent?.actorKind, 'operator');
  assert.match(resetEvent!.detail, /break-glass/);
  assert.ok(events.some((e) => e.action === 'user.2fa_required'));
});

test('--password-stdin takes the password from the first line of standard input, so it is not in the process list', () => {
  assert.equal(cli('org:create', '--slug', 'stdin', '--name', 'Stdin').status, 0);
  const created = runScript('lib/cli/main.ts', ['user:create', '--org', 'stdin', '--email', 'bob@stdin.example', '--name', 'Bob', '--password-stdin'], env, 'from stdin 1\r\nsecond line\n');
  assert.equal(created.status, 0, created.stderr);
  const sqlite = new Database(file, { readonly: true });
  const { hash } = sqlite.prepare("select password_hash as hash from users where email = 'bob@stdin.example'").get() as { hash: string };
  sqlite.close();
  assert.equal(bcrypt.compareSync('from stdin 1', hash), true, 'the first line, without its line break');
});

test('user:list shows a user whose second step is locked at the hard cap; user:reset-2fa lifts it', () => {
  assert.equal(cli('org:create', '--slug', 'capped', '--name', 'Capped').status, 0);
  assert.equal(cli('user:create', '--org', 'capped', '--email', 'guessed@capped.example', '--name', 'Guessed', '--password', 'long-enough-1').status, 0);
  const sqlite = new Database(file);
  sqlite.prepare('update users set second_factor_failures = 100 where email = ?').run('guessed@capped.example');
  sqlite.close();
  assert.match(cli('user:list', '--org', 'capped').stdout, /guessed@capped\.example\t.*2FA off, locked\t/);
  assert.equal(JSON.parse(cli('user:list', '--org', 'capped', '--json').stdout)[0].secondFactorLocked, true);
  assert.equal(cli('user:reset-2fa', '--email', 'guessed@capped.example').status, 0);
  assert.doesNotMatch(cli('user:list', '--org', 'capped').stdout, /locked/);
});

test('bad input: one clear line on stderr, a non-zero exit, nothing changed', () => {
  cli('org:create', '--slug', 'bad-input', '--name', 'Bad');
  const before = cli('user:list', '--org', 'bad-input', '--json').stdout;
  const cases: [string[], RegExp][] = [
    [['nope'], /unknown command "nope"/],
    [['org:create', '--slug', 'Has Spaces', '--name', 'X'], /--slug: Use 1–40 lower-case letters/],
    [['org:create', '--slug', 'bad-input', '--name', 'Again'], /already exists/],
    [['org:policy', '--slug', 'bad-input', '--policy', 'sometimes'], /--policy: Choose off, optional or required/],
    [['org:policy', '--slug', 'missing-org', '--policy', 'off'], /no organization has the slug "missing-org"/],
    [['user:create', '--org', 'bad-input', '--email', 'not-an-email', '--name', 'N', '--password', 'long-enough-1'], /--email: Enter a valid email address/],
    [['user:create', '--org', 'bad-input', '--email', 'a@b.example', '--name', 'N', '--password', 'short'], /--password: Use at least 8 characters/],
    [['user:create', '--org', 'bad-input', '--email', 'a@b.example', '--name', 'N', '--password', 'x'.repeat(73)], /at most 72 bytes/],
    [['user:create', '--org', 'bad-input', '--email', 'a@b.example', '--name', 'N', '--password', 'long-enough-1', '--sso'], /one of --password, --password-stdin or --sso/],
    [['user:create', '--org', 'bad-input', '--email', 'a@b.example', '--name', 'N', '--password', 'long-enough-1', '--password-stdin'], /one of --password, --password-stdin or --sso/],
    [['user:create', '--org', 'bad-input', '--email', 'a@b.example', '--name', 'N', '--password-stdin'], /--password: Use at least 8 characters/],
    [['user:create', '--org', 'bad-input', '--email', 'a@b.example', '--name', 'N'], /needs a password/],
    [['user:require-2fa', '--email', 'nobody@b.example', '--on'], /no user has the email/],
    [['user:require-2fa', '--email', 'a@b.example'], /exactly one of --on or --off/],
    [['user:list', '--org', 'bad-input', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['user:list', '--org', 'bad-input', 'extra'], /unexpected argument "extra"/],
    [['demo:bulk', '--org', 'bad-input', '--users', '0'], /--users: /],
    [['demo:bulk', '--org', 'bad-input', '--users', 'many'], /--users: /],
  ];
  for (const [args, message] of cases) {
    const result = cli(...args);
    assert.notEqual(result.status, 0, args.join(' '));
    assert.match(result.stderr, message, args.join(' '));
    assert.equal(result.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${result.stderr}`);
    assert.doesNotMatch(result.stderr, /\bat \S+:\d+:\d+/, 'no stack trace');
  }
  assert.equal(cli('user:list', '--org', 'bad-input', '--json').stdout, before);
});

test('user:deactivate ends the sessions and shows in user:list; user:reactivate undoes it; both audited as the operator', () => {
  assert.equal(cli('org:create', '--slug', 'leavers', '--name', 'Leavers').status, 0);
  assert.equal(cli('user:create', '--org', 'leavers', '--email', 'gone@leavers.example', '--name', 'Gone', '--password', 'long-enough-1').status, 0);
  const sqlite = new Database(file);
  const { id } = sqlite.prepare("select id from users where email = 'gone@leavers.example'").get() as { id: number };
  sqlite.prepare("insert into sessions (id, user_id, method, created_at, last_seen_at) values ('copied', ?, 'password', ?, ?)").run(id, Date.now(), Date.now());
  const deactivated = cli('user:deactivate', '--email', 'gone@leavers.example');
  assert.equal(deactivated.status, 0, deactivated.stderr);
  assert.match(deactivated.stdout, /^Deactivated gone@leavers\.example/);
  assert.notEqual((sqlite.prepare("select revoked_at from sessions where id = 'copied'").get() as { revoked_at: number | null }).revoked_at, null);
  assert.match(cli('user:list', '--org', 'leavers').stdout, /gone@leavers\.example\tGone\tmember\tpassword\tdeactivated\t/);
  assert.match(cli('user:deactivate', '--email', 'gone@leavers.example').stdout, /already deactivated/);
  assert.equal(cli('user:reactivate', '--email', 'gone@leavers.example').status, 0);
  assert.equal(JSON.parse(cli('user:list', '--org', 'leavers', '--json').stdout)[0].status, 'active');
  const events = sqlite.prepare("select action, actor_kind as actor from audit_events where target_user_id = ? and action like 'user.%activated' order by id").all(id);
  sqlite.close();
  assert.deepEqual(events, [{ action: 'user.deactivated', actor: 'operator' }, { action: 'user.reactivated', actor: 'operator' }]);
  assert.match(cli('user:deactivate', '--email', 'nobody@leavers.example').stderr, /no user has the email/);
});

test('user:sign-out ends every session of the user and audits it as the operator', () => {
  assert.equal(cli('org:create', '--slug', 'travellers', '--name', 'Travellers').status, 0);
  assert.equal(cli('user:create', '--org', 'travellers', '--email', 'lost@travellers.example', '--name', 'Lost', '--password', 'long-enough-1').status, 0);
  const sqlite = new Database(file);
  const { id } = sqlite.prepare("select id from users where email = 'lost@travellers.example'").get() as { id: number };
  const insert = sqlite.prepare("insert into sessions (id, user_id, method, created_at, last_seen_at) values (?, ?, 'password', ?, ?)");
  for (const key of ['phone', 'laptop']) insert.run(key, id, Date.now(), Date.now());
  const signedOut = cli('user:sign-out', '--email', 'lost@travellers.example', '--json');
  assert.equal(signedOut.status, 0, signedOut.stderr);
  assert.deepEqual(JSON.parse(signedOut.stdout), { email: 'lost@travellers.example', sessionsEnded: 2 });
  const open = sqlite.prepare('select count(*) as n from sessions where user_id = ? and revoked_at is null').get(id) as { n: number };
  const events = sqlite.prepare("select actor_kind as actor, detail from audit_events where target_user_id = ? and action = 'sessions.revoked_all'").all(id);
  sqlite.close();
  assert.equal(open.n, 0);
  assert.deepEqual(events, [{ actor: 'operator', detail: '{"count":2}' }]);
  assert.match(cli('user:sign-out', '--email', 'nobody@travellers.example').stderr, /no user has the email/);
});

test('user:invite adds an invited password user with a link mail in the outbox, or an SSO user; audited as the operator', () => {
  assert.equal(cli('org:create', '--slug', 'invites', '--name', 'Invites').status, 0);
  const invited = cli('user:invite', '--org', 'invites', '--email', 'New@Invites.example', '--name', 'New Person', '--json');
  assert.equal(invited.status, 0, invited.stderr);
  assert.equal(JSON.parse(invited.stdout).invited, true);
  assert.match(cli('user:invite', '--org', 'invites', '--email', 'sso@invites.example', '--name', 'Sso Person', '--sso', '--role', 'admin').stdout, /^Added admin sso@invites\.example to invites \(SSO\)/);
  assert.match(cli('user:list', '--org', 'invites').stdout, /new@invites\.example\tNew Person\tmember\tpassword\tinvited\t/);
  const sqlite = new Database(file, { readonly: true });
  const mails = sqlite.prepare("select m.kind from mail_outbox m join users u on u.id = m.user_id where u.email = 'new@invites.example'").all();
  const events = sqlite.prepare("select a.actor_kind as actor from audit_events a join users u on u.id = a.target_user_id where a.action = 'user.invited' and u.org_id = (select id from organizations where slug = 'invites')").all();
  sqlite.close();
  assert.deepEqual(mails, [{ kind: 'invitation' }]);
  assert.deepEqual(events, [{ actor: 'operator' }, { actor: 'operator' }]);
  for (const [args, message] of [
    [['user:invite', '--org', 'invites', '--email', 'new@invites.example', '--name', 'Again'], /already exists/],
    [['user:invite', '--org', 'invites', '--email', 'bad', '--name', 'Bad'], /--email: Enter a valid email address/],
    [['user:invite', '--org', 'nowhere', '--email', 'a@b.example', '--name', 'A'], /no organization/],
    [['user:invite', '--org', 'invites', '--email', 'a@b.example', '--name', 'A', '--role', 'owner'], /--role: Choose member or admin/],
  ] as [string[], RegExp][]) {
    const result = cli(...args);
    assert.equal(result.status, 1, args.join(' '));
    assert.match(result.stderr, message);
  }
});

test('--help lists every command (run as `npm run cli` runs it, through tsx; the other tests run the same source bundled)', () => {
  const help = runScript('lib/cli/main.ts', ['--help'], env, '', { viaTsx: true });
  assert.equal(help.status, 0);
  for (const command of ['org:create', 'org:policy', 'org:passkeys', 'org:trusted-browsers', 'org:grace', 'user:create', 'user:require-2fa', 'user:reset-2fa', 'user:invite', 'user:deactivate', 'user:reactivate', 'user:sign-out', 'user:send-reset', 'user:list', 'audit:list', 'demo:bulk', 'db:backup', 'db:restore', 'mail:status', 'mail:retry', 'mail:test']) assert.match(help.stdout, new RegExp(command));
});

test('user:list shows each user’s second factors; user:reset-2fa removes the keys too', () => {
  assert.equal(cli('org:create', '--slug', 'keyed', '--name', 'Keyed').status, 0);
  assert.equal(cli('user:create', '--org', 'keyed', '--email', 'k@keyed.example', '--name', 'K', '--password', 'password-keyed-1').status, 0);
  const sqlite = new Database(file);
  const { id } = sqlite.prepare("select id from users where email = 'k@keyed.example'").get() as { id: number };
  const key = sqlite.prepare("insert into webauthn_credentials (user_id, credential_id, public_key, name, device_type, created_at) values (?, ?, 'pk', 'Key', 'singleDevice', 0)");
  key.run(id, 'cred-a');
  key.run(id, 'cred-b');
  sqlite.prepare('update users set webauthn_key_count = 2, totp_enabled_at = 1 where id = ?').run(id);
  sqlite.close();
  assert.match(cli('user:list', '--org', 'keyed').stdout, /k@keyed\.example\t.*\t2FA on \(App · 2 keys\)\t/);
  assert.equal(JSON.parse(cli('user:list', '--org', 'keyed', '--json').stdout)[0].secondFactors, 'App · 2 keys');
  assert.equal(cli('user:reset-2fa', '--email', 'k@keyed.example').status, 0);
  assert.match(cli('user:list', '--org', 'keyed').stdout, /k@keyed\.example\t.*\t2FA off\t/);
  const after = new Database(file, { readonly: true });
  assert.deepEqual(after.prepare('select credential_id from webauthn_credentials where user_id = ?').all(id), []);
  after.close();
});

test('mail:test queues a test mail (audited); mail:status counts the outbox; mail:retry sends the failed ones again', () => {
  const queued = cli('mail:test', '--to', 'Ops@Example.com');
  assert.equal(queued.status, 0, queued.stderr);
  assert.match(queued.stdout, /Queued a test mail to ops@example\.com/);
  const sqlite = new Database(file);
  const mail = sqlite.prepare("select * from mail_outbox where kind = 'test'").get() as { to_address: string; text_body: string };
  assert.equal(mail.to_address, 'ops@example.com');
  assert.match(mail.text_body, /^v1\./, 'stored encrypted');
  assert.doesNotMatch(mail.text_body, /test mail/);
  // The CLI runs no sender: the mail waits. Then it is given up, as after the last attempt.
  let status = JSON.parse(cli('mail:status', '--json').stdout);
  assert.ok(status.pending >= 1 && status.failed === 0 && status.oldestPendingAt > 0);
  sqlite.prepare("update mail_outbox set failed_at = 1, attempts = 10, last_error = 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:25' where kind = 'test'").run();
  const text = cli('mail:status');
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /\b1 failed\./);
  assert.match(text.stdout, /^Delivery: \.eml files in /m);
  assert.match(text.stdout, /^Last error: ECONNREFUSED/m);
  assert.match(text.stdout, /mail:retry/);
  const retry = cli('mail:retry');
  assert.equal(retry.status, 0, retry.stderr);
  assert.match(retry.stdout, /^1 failed mail\(s\) will be sent again/);
  assert.deepEqual(sqlite.prepare("select failed_at, attempts from mail_outbox where kind = 'test'").get(), { failed_at: null, attempts: 0 });
  status = JSON.parse(cli('mail:status', '--json').stdout);
  assert.equal(status.failed, 0);
  assert.match(cli('mail:retry').stdout, /No failed mail/);
  const actions = (sqlite.prepare("select action, detail from audit_events where action like 'mail.%' order by id").all() as { action: string; detail: string }[]).map((e) => `${e.action} ${e.detail}`);
  sqlite.close();
  assert.deepEqual(actions, ['mail.test_queued {"to":"ops@example.com"}', 'mail.retried {"mails":1}'], 'a retry that changes nothing is not audited');
  for (const [args, message] of [[['mail:test'], /--to: /], [['mail:test', '--to', 'nobody'], /--to: Enter a valid email address/]] as [string[], RegExp][]) {
    const result = cli(...args);
    assert.equal(result.status, 1);
    assert.match(result.stderr, message);
    assert.equal(result.stderr.trim().split('\n').length, 1);
  }
});

test('user:send-reset queues a reset link mail to a password user (audited as the operator, not capped); SSO and unknown users are refused in one line', () => {
  assert.equal(cli('org:create', '--slug', 'resets', '--name', 'Resets').status, 0);
  assert.equal(cli('user:create', '--org', 'resets', '--email', 'pw@resets.example', '--name', 'Pw', '--password', 'old-password-1').status, 0);
  assert.equal(cli('user:create', '--org', 'resets', '--email', 'sso@resets.example', '--name', 'Sso', '--sso').status, 0);
  for (let i = 0; i < 4; i++) {
    const sent = cli('user:send-reset', '--email', 'PW@resets.example');
    assert.equal(sent.status, 0, sent.stderr);
    assert.match(sent.stdout, /Queued a password reset link to pw@resets\.example/);
  }
  const sqlite = new Database(file, { readonly: true });
  const mails = sqlite.prepare("select kind from mail_outbox where to_address = 'pw@resets.example'").all();
  const events = sqlite.prepare("select actor_kind as actor from audit_events where action = 'password.reset_link_sent'").all();
  const tokens = sqlite.prepare("select purpose from account_tokens where user_id = (select id from users where email = 'pw@resets.example')").all();
  sqlite.close();
  assert.deepEqual(mails, [{ kind: 'password_reset' }], 'each new link replaces the unsent mail of the one before');
  assert.deepEqual(events, Array(4).fill({ actor: 'operator' }), 'four sends, above the hourly cap of 3');
  assert.deepEqual(tokens, [{ purpose: 'password_reset' }]);
  for (const [email, message] of [['sso@resets.example', /single sign-on/], ['nobody@resets.example', /no user has the email/]] as const) {
    const refused = cli('user:send-reset', '--email', email);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, message);
    assert.equal(refused.stderr.trim().split('\n').length, 1);
  }
});

test('audit:list --csv writes the export’s rows: sentences, RFC 4180 quoting, formula cells neutralised', () => {
  assert.equal(cli('org:create', '--slug', 'csv-org', '--name', 'Csv').status, 0);
  const created = cli('user:create', '--org', 'csv-org', '--email', 'eve@csv.example', '--name', '=HYPERLINK("http://evil.example","x")', '--sso');
  assert.equal(created.status, 0, created.stderr);
  const out = cli('audit:list', '--org', 'csv-org', '--csv');
  assert.equal(out.status, 0, out.stderr);
  const lines = out.stdout.trimEnd().split('\r\n');
  assert.equal(lines[0], 'time_utc,event,type,actor,target,address,detail');
  assert.match(lines[1]!, /^\d{4}-\d\d-\d\dT[\d:.]+Z,"An operator \(command line\) created the account of =HYPERLINK\(""http:\/\/evil\.example"",""x""\) as member",user\.created,An operator \(command line\),"'=HYPERLINK\(""http:\/\/evil\.example"",""x""\)",,"\{""email"":""eve@csv\.example"".*\}"$/);
  assert.match(lines.at(-1)!, /created the organization “csv-org”,org\.created,/);
});

test('user:list --csv writes the export’s rows to stdout, page after page, formula cells neutralised', () => {
  assert.equal(cli('org:create', '--slug', 'csv-users', '--name', 'Csv users').status, 0);
  const created = cli('user:create', '--org', 'csv-users', '--email', 'eve@csv-users.example', '--name', '+Eve, "the" =1', '--sso');
  assert.equal(created.status, 0, created.stderr);
  // More than one page of the export (1,000 users a page).
  const bulk = cli('demo:bulk', '--org', 'csv-users', '--users', '1500');
  assert.equal(bulk.status, 0, bulk.stderr);
  const out = cli('user:list', '--org', 'csv-users', '--csv');
  assert.equal(out.status, 0, out.stderr);
  assert.ok(out.stdout.endsWith('\r\n'));
  const lines = out.stdout.slice(0, -2).split('\r\n');
  assert.equal(lines[0], 'name,email,role,sign_in_method,two_factor,recovery_codes_left,last_sign_in_utc,last_2fa_use_utc');
  assert.equal(lines.length, 1 + 1501);
  assert.equal(lines[1], `"'+Eve, ""the"" =1",eve@csv-users.example,member,sso,sso,,,`);
  // By name, as the table's default order; every email once.
  const emails = lines.slice(2).map((l) => l.split(',')[1]!);
  assert.equal(new Set(emails).size, 1500);
  const names = lines.slice(2).map((l) => l.split(',')[0]!.toLowerCase());
  assert.deepEqual(names, names.toSorted());
  const refused = cli('user:list', '--org', 'csv-users', '--csv', '--json');
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /--csv and --json: choose one/);
});

test('user:require-2fa takes several --email with --on: one organization, SSO and already-required users skipped, audited per user', () => {
  assert.equal(cli('org:create', '--slug', 'batch', '--name', 'Batch', '--policy', 'optional').status, 0);
  assert.equal(cli('org:create', '--slug', 'batch-other', '--name', 'Other').status, 0);
  for (const name of ['ann', 'ben', 'cat']) assert.equal(cli('user:create', '--org', 'batch', '--email', `${name}@batch.example`, '--name', name, '--password', 'long-enough-1').status, 0);
  assert.equal(cli('user:create', '--org', 'batch', '--email', 'sso@batch.example', '--name', 'Sso', '--sso').status, 0);
  assert.equal(cli('user:create', '--org', 'batch-other', '--email', 'far@other.example', '--name', 'Far', '--password', 'long-enough-1').status, 0);
  assert.equal(cli('user:require-2fa', '--email', 'cat@batch.example', '--on').status, 0);
  const required = () => (JSON.parse(cli('user:list', '--org', 'batch', '--json').stdout) as { email: string; twoFactorRequired: boolean }[]).filter((u) => u.twoFactorRequired).map((u) => u.email);

  // Refused whole: an unknown address, two organizations, --off.
  for (const [args, message] of [
    [['--email', 'ann@batch.example', '--email', 'nobody@batch.example', '--on'], /no user has the email "nobody@batch.example"/],
    [['--email', 'ann@batch.example', '--email', 'far@other.example', '--on'], /more than one organization/],
    [['--email', 'ann@batch.example', '--email', 'ben@batch.example', '--off'], /--off takes one --email/],
  ] as const) {
    const refused = cli('user:require-2fa', ...args);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, message);
  }
  assert.deepEqual(required(), ['cat@batch.example']);
  const other = cli('user:reset-2fa', '--email', 'ann@batch.example', '--email', 'ben@batch.example');
  assert.equal(other.status, 2);
  assert.match(other.stderr, /give --email once for user:reset-2fa/);

  const batch = cli('user:require-2fa', '--email', 'ann@batch.example', '--email', 'ben@batch.example', '--email', 'cat@batch.example', '--email', 'sso@batch.example', '--on', '--json');
  assert.equal(batch.status, 0, batch.stderr);
  assert.deepEqual(JSON.parse(batch.stdout), { required: true, changed: ['ann@batch.example', 'ben@batch.example'], signedOut: ['ann@batch.example', 'ben@batch.example'], skipped: { sso: 1, alreadyRequired: 1 } });
  assert.deepEqual(required().sort(), ['ann@batch.example', 'ben@batch.example', 'cat@batch.example']);
  const events = JSON.parse(cli('audit:list', '--org', 'batch', '--json').stdout) as { action: string; actorKind: string }[];
  assert.equal(events.filter((e) => e.action === 'user.2fa_required' && e.actorKind === 'operator').length, 3);
});

test('a name with control characters is refused; one stored anyway (an older row, a restored backup) is printed as its codes, on its own line', () => {
  assert.equal(cli('org:create', '--slug', 'escapes', '--name', 'Escapes').status, 0);
  const refused = cli('user:create', '--org', 'escapes', '--email', 'mallory@escapes.example', '--name', 'Mallory\u001b[2J', '--password', 'long-enough-1');
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /--name: Names cannot contain control characters/);
  assert.equal(cli('user:create', '--org', 'escapes', '--email', 'mallory@escapes.example', '--name', 'Mallory', '--password', 'long-enough-1').status, 0);
  const stored = 'Mallory\u001b[2J\u001b]0;pwned\u0007\nceo@escapes.example\tadmin\u009b\u202e';
  const sqlite = new Database(file);
  sqlite.prepare('update users set name = ? where email = ?').run(stored, 'mallory@escapes.example');
  sqlite.close();
  const listed = cli('user:list', '--org', 'escapes').stdout;
  assert.equal(listed.trimEnd().split('\n').length, 1, 'no forged row');
  assert.equal(listed.split('\t').length, 8, 'no forged column');
  assert.doesNotMatch(listed, /[\u001b\u0007\u009b\u202e]/);
  assert.ok(listed.includes('Mallory\\x1b[2J\\x1b]0;pwned\\x07\\x0aceo@escapes.example\\x09admin\\x9b\\u202e'), listed);
  // JSON is data: the name as stored, with what a terminal acts on written as escapes JSON reads back.
  const json = cli('user:list', '--org', 'escapes', '--json').stdout;
  assert.doesNotMatch(json, /[\u001b\u0007\u009b\u202e]/);
  assert.equal(JSON.parse(json)[0].name, stored);
  // A name that spells a code is told apart from one holding the character: its backslash is doubled.
  const lookalike = new Database(file);
  lookalike.prepare('update users set name = ? where email = ?').run('Mallory\\x1b', 'mallory@escapes.example');
  lookalike.close();
  assert.ok(cli('user:list', '--org', 'escapes').stdout.includes('\tMallory\\\\x1b\t'));
});
