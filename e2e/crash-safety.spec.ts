import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { request as playwrightRequest, type APIRequestContext, type APIResponse } from '@playwright/test';
import Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { db, writeTransaction } from '@/db';
import { pendingEnrollments, users, throttleHits } from '@/db/schema';
import { createChallenge } from '@/lib/auth/challenge';
import { codeDigest } from '@/lib/auth/crypto';
import { beginEnrollment } from '@/lib/auth/enrollment';
import { normalizeRecoveryCode, RECOVERY_CODE_COUNT } from '@/lib/auth/recovery-codes';
import { createSession } from '@/lib/auth/session';
import { resolveDatabasePath } from '@/lib/config';
import { expect, test, TestOrg, totp, type TestUser } from './fixtures';
import { baseURL as balancerURL, databaseUrl, e2eDir, store } from './support/env';
import { actionFields, postForm } from './support/forms';
import { rememberSecret } from './support/secrets-log';
import { mailsTo, waitForMail } from './support/mailbox';
import { startExtraServer } from './support/server';
import { copyOfTheDatabase } from './support/sqlite-copy';
import { newSessionCookie } from './support/sessions';
import { openSnapshotReader, type Query, type SnapshotReader } from './support/snapshot-reader';

// Crash safety: enabling 2FA, an admin reset and signing in with a recovery code each change several
// rows; each is one transaction. A server is killed with SIGKILL in the middle of a burst of them,
// restarted, and the database must be intact, with every acknowledged change and no half-done one.
//
// SQLite: the server runs on its own copy of the suite's database (VACUUM INTO after the fixtures
// wrote the users, keys copied beside it). So the process that dies holds the only connection to the
// file, and the restart really recovers from the write-ahead log, as after a crash in production — on
// the shared database the main server's open connection would do that work; and neither the kill nor
// the pauses below touch the database the other specs use.
// PostgreSQL: the server is one more instance on the shared database, as a third replica would be.
// Its death must leave no transaction open nor lock held, and the two instances behind the balancer
// keep serving, with every change it acknowledged.
//
// Two transactions that follow each other in synchronous code are microseconds apart: a kill at a
// random moment would almost never fall between them. So the server runs with
// e2e/support/commit-pause.mjs, which stops the process for a moment after every commit, and the
// test reads the database all through the burst: every state the server commits is one a crash
// could leave behind, and each is checked against the invariants below, not only the one the kill
// happens to leave. Plain HTTP: the config runs this file in one project.
//
// Each change also writes its user's notification into the mail outbox, in its transaction: after
// the restart, every committed change's mail arrives exactly once, and no undone change's.

const PER_KIND = 8;
const PAUSE_MS = 25;
const SPACING_MS = 10;

type Kind = 'enroll' | 'reset' | 'recover';

/** What the invariants look at for one user, as `readUsers` reads it. */
interface View {
  secret: string | null;
  enabled: boolean;
  version: number;
  codesLeft: number;
  codes: number;
  unused: number;
  pending: number;
  liveSessions: number;
  verifiedSessions: number;
  challenges: string;
  throttleHits: number;
  enabledEvents: number;
  resetEvents: number;
  recoveryEvents: number;
  /** Recovery users only: whether the code the burst submits is marked used. */
  codeUsed?: boolean;
}

interface Subject {
  kind: Kind;
  user: TestUser;
  /** The states one operation may leave, by name: before it, after it, and (sign-in) in between. */
  states: Record<string, View>;
  /** What the user's view leaves out (the attempt counter of a sign-in is written before the check, by design). */
  ignore?: (keyof View)[];
  submittedCode?: string;
}

const readUsers = `
  select u.id, u.totp_secret as secret, u.totp_enabled_at is not null as enabled, u.two_factor_version as version,
    u.recovery_codes_left as "codesLeft",
    (select count(*) from recovery_codes r where r.user_id = u.id) as codes,
    (select count(*) from recovery_codes r where r.user_id = u.id and r.used_at is null) as unused,
    (select count(*) from pending_enrollments p where p.user_id = u.id) as pending,
    (select count(*) from sessions s where s.user_id = u.id and s.revoked_at is null) as "liveSessions",
    (select count(*) from sessions s where s.user_id = u.id and s.revoked_at is null and s.second_factor_at is not null) as "verifiedSessions",
    coalesce((select string_agg(purpose, ',') from login_challenges c where c.user_id = u.id), '') as challenges,
    (select count(*) from throttle_hits h where h.key = '2fa:user:' || u.id) as "throttleHits",
    (select count(*) from audit_events a where a.target_user_id = u.id and a.action = '2fa.enabled') as "enabledEvents",
    (select count(*) from audit_events a where a.target_user_id = u.id and a.action = '2fa.reset') as "resetEvents",
    (select count(*) from audit_events a where a.target_user_id = u.id and a.action = 'sign_in.recovery_code_used') as "recoveryEvents"
  from users u where u.org_id = $1`;

type Row = Omit<View, 'codeUsed'> & { id: number };

/** The row as both stores read it: SQLite's 0/1 and PostgreSQL's booleans, PostgreSQL's counts (bigint) as text. */
function normalized(raw: Record<string, unknown>): Row {
  const row = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === 'string' && /^\d+$/.test(v) && k !== 'secret' && k !== 'challenges' ? Number(v) : v]));
  return { ...row, enabled: Boolean(row.enabled) } as Row;
}

/**
 * Every violation of the invariants in the database as `reader` sees it now, and the state each
 * subject is in. For every user of the organization: a TOTP secret exactly when 2FA is on, then
 * exactly 10 recovery codes, none when off, and `recovery_codes_left` = the unused ones. For each
 * subject: exactly one of the states its operation allows — before, after, or for a recovery sign-in
 * "code used, audited, challenge ready, no session yet" (the session is created from the ready
 * challenge in a transaction of its own).
 */
function inspect(reader: SnapshotReader, orgId: number, subjects: Subject[]) {
  // One read transaction: both queries see the same committed state.
  return reader.snapshot((query) => check(query, orgId, subjects));
}

async function check(query: Query, orgId: number, subjects: Subject[]) {
  const rows = new Map((await query<Record<string, unknown>>(readUsers, orgId)).map(normalized).map((r) => [r.id, r]));
  const used = await query<{ hash: string }>('select code_hash as hash from recovery_codes where used_at is not null and user_id in (select id from users where org_id = $1)', orgId);
  const usedHashes = new Set(used.map((r) => r.hash));
  const violations: string[] = [];
  for (const row of rows.values()) {
    const where = `user ${row.id}`;
    if ((row.secret === null) !== !row.enabled) violations.push(`${where}: a secret without 2FA on, or 2FA on without a secret`);
    if (row.codesLeft !== row.unused) violations.push(`${where}: recovery_codes_left ${row.codesLeft} but ${row.unused} unused codes`);
    if (row.codes !== (row.enabled ? RECOVERY_CODE_COUNT : 0)) violations.push(`${where}: ${row.codes} recovery codes with 2FA ${row.enabled ? 'on' : 'off'}`);
  }
  const states = new Map<Subject, string>();
  for (const subject of subjects) {
    const { id: _id, ...row } = rows.get(subject.user.id)!;
    const view: View = { ...row };
    if (subject.submittedCode) view.codeUsed = usedHashes.has(codeDigest(normalizeRecoveryCode(subject.submittedCode)!));
    for (const key of subject.ignore ?? []) delete view[key];
    const differences = Object.entries(subject.states).map(([name, expected]) => ({ name, keys: (Object.keys(view) as (keyof View)[]).filter((k) => view[k] !== expected[k]) }));
    const state = differences.find((d) => d.keys.length === 0)?.name;
    if (state) states.set(subject, state);
    else violations.push(`${subject.kind} user ${subject.user.id} is half-done: ${differences.map((d) => `unlike "${d.name}" in ${d.keys.map((k) => `${k}=${view[k]}`).join(', ')}`).join('; ')}`);
  }
  return { violations, states };
}

/**
 * Reads the database every few milliseconds until stopped: every committed state gets checked.
 * `reached` resolves the first time `until` holds for the subjects' states.
 */
async function watch(url: string, orgId: number, subjects: Subject[], until: (states: Map<Subject, string>) => boolean) {
  const reader = await openSnapshotReader(url);
  let running = true;
  let samples = 0;
  const violations = new Set<string>();
  const seen = new Set<string>();
  let resolveReached = () => {};
  const reached = new Promise<void>((resolve) => (resolveReached = resolve));
  const loop = (async () => {
    while (running) {
      const result = await inspect(reader, orgId, subjects);
      samples++;
      result.violations.forEach((v) => violations.add(v));
      result.states.forEach((state, s) => seen.add(`${s.kind}:${state}`));
      if (until(result.states)) resolveReached();
      await new Promise((r) => setTimeout(r, 3));
    }
    await reader.close();
  })();
  return {
    reached,
    stop: async () => {
      running = false;
      await loop;
      return { samples, violations: [...violations], seen: [...seen].sort() };
    },
  };
}

const base: View = {
  secret: null,
  enabled: false,
  version: 0,
  codesLeft: 0,
  codes: 0,
  unused: 0,
  pending: 0,
  liveSessions: 0,
  verifiedSessions: 0,
  challenges: '',
  throttleHits: 0,
  enabledEvents: 0,
  resetEvents: 0,
  recoveryEvents: 0,
};

async function twoFactorRow(id: number) {
  const [row] = await (await db()).select({ secret: users.totpSecret, version: users.twoFactorVersion }).from(users).where(eq(users.id, id));
  return row!;
}

function expectWalLeft(url: string) {
  const file = resolveDatabasePath(url);
  expect(existsSync(`${file}-wal`), 'the crash left a write-ahead log to recover').toBe(true);
  console.log(`crash-safety: the dead server left a ${statSync(`${file}-wal`).size} byte WAL`);
}

/** SQLite, after the restart: the file passes its own checks. */
function expectIntact(url: string) {
  const checker = new Database(resolveDatabasePath(url), { fileMustExist: true });
  try {
    expect(checker.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(checker.pragma('foreign_key_check')).toEqual([]);
  } finally {
    checker.close();
  }
}

/**
 * PostgreSQL, right after the kill: the dead server's transactions are rolled back and its locks
 * gone (nothing waits, nothing stays open), and the instances behind the balancer serve what it
 * acknowledged before dying.
 */
async function expectNothingLeftOpen(url: string, acked: { subject: Subject; context: APIRequestContext }[], contexts: APIRequestContext[]) {
  const reader = await openSnapshotReader(url);
  try {
    const leftOpen = () =>
      reader.snapshot((query) =>
        query<{ n: string }>(
          "select count(*) as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and (state like 'idle in transaction%' or wait_event_type = 'Lock')",
        ),
      );
    await expect.poll(async () => Number((await leftOpen())[0]!.n), { message: 'transactions left open or waiting after the kill' }).toBe(0);
  } finally {
    await reader.close();
  }
  const survivor = await playwrightRequest.newContext({ baseURL: balancerURL });
  contexts.push(survivor);
  expect((await survivor.get('/login')).status(), 'the other instances keep serving').toBe(200);
  const recovered = acked.find((a) => a.subject.kind === 'recover');
  if (recovered) expect(await (await recovered.context.get(`${balancerURL}/profile/2fa`)).text()).toMatch(/data-testid="codes-left"[^>]*>9(<!-- -->)? of 10/);
}

async function context(baseURL: string, cookie?: { name: string; value: string }): Promise<APIRequestContext> {
  const cookies = cookie ? [{ name: cookie.name, value: cookie.value, domain: 'localhost', path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' as const }] : [];
  return playwrightRequest.newContext({ baseURL, storageState: { cookies, origins: [] } });
}

/** The recovery codes in the list a confirmation shows. */
const codesIn = (html: string) => /data-testid="recovery-codes"[^>]*>([\s\S]*?)<\/ol>/.exec(html)?.[1]?.match(/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/g) ?? [];

test('a server killed with SIGKILL amid 2FA changes restarts intact, with every acknowledged change and none half-done', async () => {
  // Two minutes: the notifications' delivery after the restart adds a few seconds to a test near 90 s under load.
  test.setTimeout(120_000);
  const started = Date.now();
  const worker = test.info().workerIndex % 20;
  const org = await TestOrg.create('optional');
  const admin = await org.user({ role: 'admin' });

  // Password users who will confirm 2FA (their secret is pending, as after "Enable 2FA" and the QR code).
  const enrollees = await Promise.all(Array.from({ length: PER_KIND }, () => org.user()));
  const enrolling = await Promise.all(
    enrollees.map(async (user) => {
      const cookie = await newSessionCookie(user.id, 'password');
      const secret = await beginEnrollment(user.id, { sessionId: cookie.sessionId });
      rememberSecret(secret);
      const [{ secret: pendingSecret }] = (await (await db()).select({ secret: pendingEnrollments.secret }).from(pendingEnrollments).where(eq(pendingEnrollments.userId, user.id))) as [{ secret: string }];
      const subject: Subject = {
        kind: 'enroll',
        user,
        // After: the pending secret is the user's, 2FA on, 10 fresh codes, the pending row gone, the
        // confirming session live and verified, the change audited — all of it, or none of it.
        states: {
          before: { ...base, pending: 1, liveSessions: 1 },
          after: { ...base, secret: pendingSecret, enabled: true, version: 1, codesLeft: 10, codes: 10, unused: 10, liveSessions: 1, verifiedSessions: 1, enabledEvents: 1 },
        },
      };
      return { user, cookie, secret, subject };
    }),
  );

  // Users with 2FA whom the admin resets: a session, a reconfiguration in progress, an open challenge and a throttle hit to remove.
  const targets = await Promise.all(Array.from({ length: PER_KIND }, () => org.userWith2fa()));
  const resetSubjects = await Promise.all(targets.map(async (user) => {
    const sessionId = await writeTransaction(async (tx) => createSession(tx, user.id, 'password', null));
    await beginEnrollment(user.id, { sessionId });
    await createChallenge(user.id, 'verify', '/', 0);
    await writeTransaction((tx) => tx.insert(throttleHits).values({ key: `2fa:user:${user.id}`, at: Date.now() }));
    const { secret, version } = await twoFactorRow(user.id);
    const subject: Subject = {
      kind: 'reset',
      user,
      // After: secret, codes, pending enrollment, challenge, throttle state and every session gone, audited.
      states: {
        before: { ...base, secret, enabled: true, version, codesLeft: 10, codes: 10, unused: 10, pending: 1, liveSessions: 1, challenges: 'verify', throttleHits: 1, enabledEvents: 1 },
        after: { ...base, version: version + 1, enabledEvents: 1, resetEvents: 1 },
      },
    };
    return subject;
  }));

  // Users with 2FA who will sign in with a recovery code (their password step happens on the test server below).
  const recoverers = await Promise.all(Array.from({ length: PER_KIND }, () => org.userWith2fa()));
  const recoverySubjects = await Promise.all(recoverers.map(async (user) => {
    const { secret, version } = await twoFactorRow(user.id);
    const enabled = { ...base, secret, enabled: true, version, codesLeft: 10, codes: 10, unused: 10, enabledEvents: 1, codeUsed: false };
    const used = { ...enabled, codesLeft: 9, unused: 9, recoveryEvents: 1, codeUsed: true };
    const subject: Subject = {
      kind: 'recover',
      user,
      submittedCode: user.recoveryCodes[0]!,
      ignore: ['throttleHits'],
      // Verified: the code used and counted down, the sign-in audited, the challenge ready — the
      // code's transaction. After: the ready challenge became a session (a transaction of its own).
      states: {
        before: { ...enabled, challenges: 'verify' },
        verified: { ...used, challenges: 'ready' },
        after: { ...used, liveSessions: 1, verifiedSessions: 1 },
      },
    };
    return subject;
  }));
  const adminCookie = await newSessionCookie(admin.id, 'password');

  const url = store === 'sqlite' ? copyOfTheDatabase(`crash-safety-${worker}`) : databaseUrl;
  const log = path.join(e2eDir, `extra-server-crash-safety-${worker}.log`);
  const port = 3720 + worker;
  const serverOptions = { log, nodeOptions: `--import ${pathToFileURL(path.resolve('e2e/support/commit-pause.mjs')).href}` };
  // Its sender loop waits a minute before its first look at the outbox: the notifications the burst
  // commits are still waiting there when it dies (on PostgreSQL, the two balanced instances send them).
  const serverEnv = { DATABASE_URL: url, DESKGATE_COMMIT_PAUSE_MS: String(PAUSE_MS), DESKGATE_MAIL_POLL_MS: '60000' };
  let server = await startExtraServer(port, serverEnv, serverOptions);
  const contexts: APIRequestContext[] = [];
  try {
    const { baseURL } = server;
    const open = async (cookie?: { name: string; value: string }) => {
      const c = await context(baseURL, cookie);
      contexts.push(c);
      return c;
    };

    // Each operation as a browser without JavaScript would post it; the form is loaded beforehand.
    interface Op {
      subject: Subject;
      post: () => Promise<APIResponse>;
      /** Whether the response is the operation's success answer: what the user is told happened. */
      acknowledged: (response: APIResponse) => Promise<boolean>;
      context: APIRequestContext;
      shownCodes?: string[];
    }
    const ops = new Map<Kind, Op[]>([
      ['enroll', []],
      ['reset', []],
      ['recover', []],
    ]);
    for (const e of enrolling) {
      const c = await open(e.cookie);
      const fields = actionFields(await (await c.get('/profile/2fa')).text(), 'code');
      const op: Op = {
        subject: e.subject,
        context: c,
        post: () => c.post('/profile/2fa', { multipart: { ...fields, code: totp(e.secret) }, headers: { Origin: baseURL }, maxRedirects: 0 }),
        acknowledged: async (r) => {
          const html = await r.text();
          op.shownCodes = codesIn(html);
          return r.status() === 200 && html.includes('Two-factor authentication is on.') && op.shownCodes.length === RECOVERY_CODE_COUNT;
        },
      };
      ops.get('enroll')!.push(op);
    }
    const adminContext = await open(adminCookie);
    for (const subject of resetSubjects) {
      const page = `/admin/users/${subject.user.id}/reset`;
      const fields = actionFields(await (await adminContext.get(page)).text(), 'reason');
      ops.get('reset')!.push({
        subject,
        context: adminContext,
        // The admin has no 2FA: the step-up is the password alone.
        post: () => adminContext.post(page, { multipart: { ...fields, reason: 'Lost phone', password: admin.password }, headers: { Origin: baseURL }, maxRedirects: 0 }),
        acknowledged: async (r) => r.status() === 303 && (r.headers()['location'] ?? '').includes('/admin/users?notice=reset'),
      });
    }
    for (const subject of recoverySubjects) {
      const c = await open();
      const login = await postForm(c, baseURL, '/login', 'email', { email: subject.user.email, password: subject.user.password });
      expect(login.headers()['location'] ?? '').toContain('/login/verify');
      const fields = actionFields(await (await c.get('/login/verify?method=recovery')).text(), 'recoveryCode');
      ops.get('recover')!.push({
        subject,
        context: c,
        post: () => c.post('/login/verify?method=recovery', { multipart: { ...fields, method: 'recovery', recoveryCode: subject.submittedCode! }, headers: { Origin: baseURL }, maxRedirects: 0 }),
        acknowledged: async (r) => r.status() === 303 && (r.headers()['location'] ?? '').includes('/profile/2fa?recovered=1') && /authjs\.session-token=[^;]/.test(r.headers()['set-cookie'] ?? ''),
      });
    }
    const subjects = [...enrolling.map((e) => e.subject), ...resetSubjects, ...recoverySubjects];
    const reader = await openSnapshotReader(url);
    const before = await inspect(reader, org.id, subjects);
    await reader.close();
    expect(before.violations).toEqual([]);
    expect([...before.states.values()].every((s) => s === 'before')).toBe(true);

    // First one operation of each kind, answered before the burst: every kind then has an
    // acknowledged change to look for after the restart. Then the burst: the rest, one request
    // every SPACING_MS, far faster than the paused server gets through them, so they pile up in
    // flight. The server picks the order it serves them in (sign-ins tend to go first), so the kill
    // is timed by what it has committed, not by what it has answered: once two thirds of the burst
    // is done, at least one of each kind, the rest is in flight — some of it half-way.
    const kinds = ['enroll', 'reset', 'recover'] as const;
    const first = kinds.map((k) => ops.get(k)![0]!);
    const burst = Array.from({ length: PER_KIND - 1 }, (_, i) => kinds.map((k) => ops.get(k)![i + 1]!)).flat();
    const outcomes = new Map<Op, 'acknowledged' | 'refused' | 'lost' | 'unsent'>();
    const acked: Op[] = [];
    const refused: string[] = [];
    let posted = 0;
    let answered = 0;
    let killed = false;
    const send = async (op: Op) => {
      posted++;
      let response: APIResponse;
      try {
        response = await op.post();
      } catch {
        return outcomes.set(op, 'lost');
      } finally {
        answered++;
      }
      if (!(await op.acknowledged(response))) {
        refused.push(`${op.subject.kind} user ${op.subject.user.id}: ${response.status()} ${response.headers()['location'] ?? ''}`);
        return outcomes.set(op, 'refused');
      }
      acked.push(op);
      return outcomes.set(op, 'acknowledged');
    };
    const inBurst = new Set(burst.map((op) => op.subject));
    const watcher = await watch(url, org.id, subjects, (states) => {
      const done = [...inBurst].filter((s) => states.get(s) === 'after');
      return done.length >= (burst.length * 2) / 3 && kinds.every((k) => done.some((s) => s.kind === k));
    });
    await Promise.all(first.map(send));
    const burstStarted = Date.now();
    const requests = Promise.all(
      burst.map(async (op, i) => {
        await new Promise((r) => setTimeout(r, i * SPACING_MS));
        if (killed) outcomes.set(op, 'unsent');
        else await send(op);
      }),
    );
    // Should every request be answered first, the kill comes after them: the assertions below fail then.
    await Promise.race([watcher.reached, requests]);
    const inFlightAtKill = posted - answered;
    const killedAt = Date.now() - burstStarted;
    // The watcher's connection closes first, so the dead server's is the last one open on the file.
    const watched = await watcher.stop();
    killed = true;
    await server.kill();
    await requests;
    const count = (kind: Kind, outcome: string) => [...outcomes].filter(([op, o]) => op.subject.kind === kind && o === outcome).length;
    const summary = kinds.map((k) => `${k} ${count(k, 'acknowledged')}/${count(k, 'lost')}/${count(k, 'unsent')}`).join(', ');
    console.log(
      `crash-safety: killed ${killedAt} ms into the burst with ${inFlightAtKill} requests in flight; acknowledged/lost/unsent: ${summary}; ` +
        `${watched.samples} committed states checked, seen: ${watched.seen.join(' ')}`,
    );
    expect(refused, 'every answer the server gave was a success').toEqual([]);
    expect(first.map((op) => outcomes.get(op))).toEqual(['acknowledged', 'acknowledged', 'acknowledged']);
    expect(readFileSync(log, 'utf8'), 'the commit pause was active').toContain('commit-pause: active');
    expect(watched.samples, 'the database was read all through the burst').toBeGreaterThan(20);
    expect(watched.violations, 'no committed state during the burst broke an invariant').toEqual([]);
    expect(inFlightAtKill, 'the kill came with requests in flight').toBeGreaterThan(0);
    if (store === 'sqlite') expectWalLeft(url);
    else await expectNothingLeftOpen(url, acked, contexts);

    // Restart on the same database (SQLite: the first connection recovers from the write-ahead log).
    server = await startExtraServer(port, { ...serverEnv, DESKGATE_MAIL_POLL_MS: '100' }, serverOptions);
    if (store === 'sqlite') expectIntact(url);
    const checker = await openSnapshotReader(url);
    let finalStates = new Map<Subject, string>();
    try {
      const after = await inspect(checker, org.id, subjects);
      finalStates = after.states;
      expect(after.violations, 'no user is half-done after the restart').toEqual([]);
      for (const op of acked) expect(after.states.get(op.subject), `acknowledged ${op.subject.kind} of user ${op.subject.user.id}`).toBe('after');
      const unacknowledged = [...outcomes].filter(([, o]) => o !== 'acknowledged').map(([op]) => `${op.subject.kind}:${after.states.get(op.subject)}`);
      const tally = [...new Set(unacknowledged)].sort().map((s) => `${s}×${unacknowledged.filter((u) => u === s).length}`);
      console.log(`crash-safety: after the restart, the unacknowledged operations are ${tally.join(' ')}`);
      expect(unacknowledged.some((u) => u.endsWith(':before')), 'the kill came before every operation was done').toBe(true);
      // The codes an acknowledged enrollment showed are exactly the ones stored.
      for (const op of acked.filter((a) => a.subject.kind === 'enroll')) {
        rememberSecret(...op.shownCodes!);
        const rows = await checker.snapshot((query) => query<{ hash: string }>('select code_hash as hash from recovery_codes where user_id = $1', op.subject.user.id));
        const stored = rows.map((r) => r.hash).sort();
        expect(op.shownCodes!.map((c) => codeDigest(normalizeRecoveryCode(c)!)).sort()).toEqual(stored);
      }
    } finally {
      await checker.close();
    }

    // Every committed change's notification arrives, once; an undone one sends none. (The outbox row
    // is written in the change's transaction: the kill can lose neither one without the other.)
    const notification: Record<Kind, string> = { enroll: '2fa.enabled', reset: '2fa.reset', recover: 'recovery_code_used' };
    const committed = (subject: Subject) => ['after', 'verified'].includes(finalStates.get(subject) ?? '');
    for (const subject of subjects.filter(committed)) await waitForMail(subject.user.email, notification[subject.kind], { timeout: 30_000 });
    await new Promise((r) => setTimeout(r, 1000));
    const received = await Promise.all(subjects.map(async (s) => (await mailsTo(s.user.email)).filter((m) => m.kind === notification[s.kind]).length));
    expect(received, 'one notification for each committed change, none for the others').toEqual(subjects.map((s) => (committed(s) ? 1 : 0)));
    console.log(`crash-safety: ${received.filter(Boolean).length} notifications of committed changes arrived once each`);

    // The restarted server works, and what it acknowledged before the crash holds.
    expect((await (await open()).get('/login')).status()).toBe(200);
    const recovered = acked.find((a) => a.subject.kind === 'recover')!;
    const recoveredPage = await recovered.context.get('/profile/2fa');
    expect(await recoveredPage.text()).toMatch(/data-testid="codes-left"[^>]*>9(<!-- -->)? of 10/);
    const enrolled = acked.find((a) => a.subject.kind === 'enroll')!;
    expect(await (await enrolled.context.get('/profile/2fa')).text()).toContain('Two-factor authentication is on');
    // A reset user signs in with the password alone now (2FA is optional in this organization).
    const reset = acked.find((a) => a.subject.kind === 'reset')!.subject.user;
    const signIn = await postForm(await open(), baseURL, '/login', 'email', { email: reset.email, password: reset.password });
    expect(signIn.status()).toBe(303);
    expect(new URL(signIn.headers()['location']!, baseURL).pathname).toBe('/');
    expect(signIn.headers()['set-cookie'] ?? '').toMatch(/authjs\.session-token=[^;]/);
    console.log(`crash-safety: done in ${Date.now() - started} ms`);
  } finally {
    await Promise.all(contexts.map((c) => c.dispose()));
    await server.stop();
  }
});
