import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as OTPAuth from 'otpauth';
import { and, eq } from 'drizzle-orm';
import { db, writeTransaction } from '@/db';
import { auditEvents, sessions, users } from '@/db/schema';
import { graceDays, setGraceDays } from '@/lib/accounts/grace-setting';
import { createOrganization, setOrganizationPolicy } from '@/lib/accounts/organizations';
import { createUser, setUserTwoFactorRequired } from '@/lib/accounts/users';
import { graceCommands } from '@/lib/cli/grace-command';
import { commands, CliError } from '@/lib/cli/commands';
import { createChallenge, redeemReadyChallenge } from './challenge';
import { beginEnrollment, confirmEnrollment } from './enrollment';
import { describeGrace, graceStanding, secondStep } from './policy';
import { createSession, loadSession } from './session';
import { tokenDigest } from './tokens';

process.env.DESKGATE_LOG = 'off';
const DAY = 86_400_000;
const operator = { kind: 'operator' } as const;
const org = await createOrganization({ slug: 'grace', name: 'Grace', policy: 'required' }, operator);
const optionalOrg = await createOrganization({ slug: 'grace-opt', name: 'Grace optional', policy: 'optional' }, operator);
let n = 0;
async function freshUser(slug = 'grace', method: 'password' | 'sso' = 'password') {
  n += 1;
  return createUser({ org: slug, email: `g${n}@grace.example`, name: `G${n}`, role: 'member', method, ...(method === 'password' && { password: 'password-1' }) }, operator);
}
const userRow = async (userId: number) => (await (await db()).select().from(users).where(eq(users.id, userId)))[0]!;
const readyChallenge = async (userId: number) => createChallenge(userId, 'ready', '/', (await userRow(userId)).credentialsVersion);
const graceStarts = async (userId: number) =>
  (await db()).select({ detail: auditEvents.detail, ip: auditEvents.ip }).from(auditEvents).where(and(eq(auditEvents.targetUserId, userId), eq(auditEvents.action, 'two_factor.grace_started')));
const setStart = (userId: number, at: number | null) => writeTransaction((tx) => tx.update(users).set({ twoFactorGraceStartedAt: at }).where(eq(users.id, userId)));
const codeAt = (secret: string, ms: number) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp: ms });

const password = { signInMethod: 'password' as const, twoFactorRequired: false, totpEnabledAt: null, webauthnKeyCount: 0 };

test('the decision: days 0 is today’s forced setup; inside the grace period a normal sign-in; past it setup; lowering the days moves the deadline', () => {
  const now = Date.UTC(2026, 11, 3, 12);
  assert.equal(secondStep(password, 'required'), 'setup', 'no grace argument: as before');
  assert.equal(secondStep(password, 'required', { days: 0, startedAt: now - DAY }, now), 'setup', 'days 0: no clock, setup at once');
  assert.equal(secondStep(password, 'required', { days: 3, startedAt: null }, now), 'grace', 'first sign-in: the clock starts');
  assert.equal(secondStep(password, 'required', { days: 3, startedAt: now - 2 * DAY }, now), 'grace');
  assert.equal(secondStep(password, 'required', { days: 3, startedAt: now - 3 * DAY }, now), 'setup', 'the deadline itself is past');
  assert.equal(secondStep(password, 'required', { days: 1, startedAt: now - 2 * DAY }, now), 'setup', 'lowered days end a grace at once');
  assert.equal(secondStep({ ...password, twoFactorRequired: true }, 'optional', { days: 3, startedAt: null }, now), 'grace', 'the per-user requirement has the same grace');
  assert.equal(secondStep(password, 'optional', { days: 3, startedAt: null }, now), 'ready', 'not required: no grace involved');
  assert.equal(secondStep({ ...password, totpEnabledAt: now }, 'required', { days: 3, startedAt: now - 10 * DAY }, now), 'verify', 'who has 2FA is asked for it');
  assert.deepEqual(graceStanding({ ...password, signInMethod: 'sso' }, 'required', { days: 3, startedAt: null }, now), { kind: 'none' }, 'SSO users never owe Deskgate 2FA');
  assert.deepEqual(graceStanding(password, 'required', { days: 3, startedAt: now }, now), { kind: 'grace', deadline: now + 3 * DAY });
});

test('days 0: a password sign-in without a second factor is refused for a user who owes 2FA, and no clock starts', async () => {
  const user = await freshUser();
  assert.equal(await redeemReadyChallenge(await readyChallenge(user.id)), null);
  assert.equal((await userRow(user.id)).twoFactorGraceStartedAt, null);
  assert.deepEqual(await graceStarts(user.id), []);
});

test('with grace days the first sign-in starts the clock once, audited with its deadline; later sign-ins keep it', async () => {
  await setGraceDays(org.id, 3, operator);
  const user = await freshUser();
  const before = Date.now();
  const sid = await redeemReadyChallenge(await readyChallenge(user.id), { userAgent: null, clientAddress: '203.0.113.9' });
  assert.ok(sid, 'a normal session');
  const started = (await userRow(user.id)).twoFactorGraceStartedAt;
  assert.ok(started !== null && started >= before);
  const events = await graceStarts(user.id);
  assert.equal(events.length, 1);
  assert.deepEqual(JSON.parse(events[0]!.detail!), { days: 3, deadline: new Date(started + 3 * DAY).toISOString() });
  assert.equal(events[0]!.ip, '203.0.113.9');
  const current = await loadSession(sid);
  assert.equal(current?.graceDeadline, started + 3 * DAY, 'the session knows the banner’s date');
  assert.ok(await redeemReadyChallenge(await readyChallenge(user.id)), 'a second sign-in in grace');
  assert.equal((await userRow(user.id)).twoFactorGraceStartedAt, started, 'the clock started once');
  assert.equal((await graceStarts(user.id)).length, 1);
});

test('past the deadline: no new session, and an open one ends at the deadline', async () => {
  await setGraceDays(org.id, 3, operator);
  const user = await freshUser();
  const sid = (await redeemReadyChallenge(await readyChallenge(user.id)))!;
  // The session is minutes old; the clock started almost three days ago (sessions live a day at most).
  const now = Date.now();
  await setStart(user.id, now - 3 * DAY + 30_000);
  assert.ok(await loadSession(sid, now), 'live until the deadline');
  assert.equal(await loadSession(sid, now + 30_000), null, 'not at the deadline');
  const [row] = await (await db()).select({ revokedAt: sessions.revokedAt }).from(sessions).where(eq(sessions.id, tokenDigest(sid)));
  assert.notEqual(row?.revokedAt, null, 'ended in the database, as a policy change ends sessions');
  const expired = await (await db()).select({ detail: auditEvents.detail, actor: auditEvents.actorKind }).from(auditEvents).where(and(eq(auditEvents.action, 'two_factor.grace_expired'), eq(auditEvents.targetUserId, user.id)));
  assert.deepEqual(expired.map((e) => [e.actor, JSON.parse(e.detail!).sessionsEnded]), [['system', 1]], 'audited once, by the system');
  await setStart(user.id, now);
  assert.equal(await loadSession(sid), null, 'and stays ended');
  await setStart(user.id, Date.now() - 4 * DAY);
  assert.equal(await redeemReadyChallenge(await readyChallenge(user.id)), null, 'the next sign-in goes to setup');
});

test('lowering the days ends a grace at once; sign-ins in progress under the old number are refused', async () => {
  await setGraceDays(org.id, 10, operator);
  const user = await freshUser();
  const sid = (await redeemReadyChallenge(await readyChallenge(user.id)))!;
  await setStart(user.id, Date.now() - 5 * DAY);
  assert.ok(await loadSession(sid), 'day 5 of 10');
  const pending = await readyChallenge(user.id);
  await setGraceDays(org.id, 4, operator);
  assert.equal(await loadSession(sid), null, 'day 5 of 4: over');
  await setGraceDays(org.id, 10, operator);
  assert.equal(await redeemReadyChallenge(pending), null, 'decided under another number of days');
  await setGraceDays(org.id, 0, operator);
  assert.equal(await redeemReadyChallenge(await readyChallenge(user.id)), null, 'days 0: setup at once, whatever the clock');
});

test('setting the days: audited with before and after, bad values refused, unchanged writes nothing', async () => {
  await setGraceDays(org.id, 0, operator);
  assert.deepEqual(await setGraceDays(org.id, 7, operator, '198.51.100.1'), { changed: true });
  assert.deepEqual(await setGraceDays(org.id, 7, operator), { changed: false });
  assert.equal(await graceDays(org.id), 7);
  const events = await (await db()).select({ detail: auditEvents.detail }).from(auditEvents).where(and(eq(auditEvents.orgId, org.id), eq(auditEvents.action, 'org.two_factor_grace_changed')));
  assert.deepEqual(JSON.parse(events.at(-1)!.detail!), { from: 0, to: 7 });
  for (const bad of [-1, 31, 2.5, Number.NaN]) await assert.rejects(setGraceDays(org.id, bad, operator), RangeError);
  assert.equal(await graceDays(org.id), 7);
});

test('the clock is forgotten when 2FA is set up and when the requirement stops, so a new requirement starts a new one', async () => {
  await setGraceDays(org.id, 3, operator);
  await setGraceDays(optionalOrg.id, 3, operator);
  // Set up: the app confirmed.
  const user = await freshUser();
  await redeemReadyChallenge(await readyChallenge(user.id));
  assert.notEqual((await userRow(user.id)).twoFactorGraceStartedAt, null);
  const now = Date.now();
  const owner = { sessionId: 'this-browser' };
  const secret = await beginEnrollment(user.id, owner, now);
  assert.ok((await confirmEnrollment(user.id, codeAt(secret, now), { owner, audit: { orgId: org.id, actor: operator, targetUserId: user.id } }, now)).ok);
  assert.equal((await userRow(user.id)).twoFactorGraceStartedAt, null, 'set up');
  // The per-user requirement removed.
  const flagged = await freshUser('grace-opt');
  await setUserTwoFactorRequired(flagged.id, true, operator);
  assert.ok(await redeemReadyChallenge(await readyChallenge(flagged.id)), 'the per-user requirement has the organization’s grace');
  assert.notEqual((await userRow(flagged.id)).twoFactorGraceStartedAt, null);
  await setUserTwoFactorRequired(flagged.id, false, operator);
  assert.equal((await userRow(flagged.id)).twoFactorGraceStartedAt, null, 'no longer required');
  // The policy lowered: the per-user requirement keeps its clock, the others lose theirs.
  await setUserTwoFactorRequired(flagged.id, true, operator);
  await redeemReadyChallenge(await readyChallenge(flagged.id));
  const plain = await freshUser('grace-opt');
  await setOrganizationPolicy(optionalOrg.id, 'required', operator);
  await redeemReadyChallenge(await readyChallenge(plain.id));
  assert.notEqual((await userRow(plain.id)).twoFactorGraceStartedAt, null);
  await setOrganizationPolicy(optionalOrg.id, 'optional', operator);
  assert.equal((await userRow(plain.id)).twoFactorGraceStartedAt, null, 'policy no longer requires it of them');
  assert.notEqual((await userRow(flagged.id)).twoFactorGraceStartedAt, null, 'still required of them alone');
  await setOrganizationPolicy(optionalOrg.id, 'off', operator);
  assert.equal((await userRow(flagged.id)).twoFactorGraceStartedAt, null, 'nothing is required under off');
});

test('SSO and passkey sessions are not touched by the grace logic', async () => {
  await setGraceDays(org.id, 0, operator);
  const sso = await freshUser('grace', 'sso');
  const sid = await writeTransaction((tx) => createSession(tx, sso.id, 'sso', null));
  assert.ok(await loadSession(sid), 'an SSO user owes no Deskgate 2FA');
  assert.equal((await userRow(sso.id)).twoFactorGraceStartedAt, null);
});

test('CLI: org:grace sets the days (bad input: one line, nothing changed); user:list shows each deadline', async () => {
  const command = graceCommands['org:grace']!;
  assert.deepEqual((await command({ slug: 'grace', days: '3' })).data, { slug: 'grace', graceDays: 3, changed: true });
  assert.match((await command({ slug: 'grace', days: '3' })).text, /3 days \(unchanged\)/);
  for (const [values, message] of [[{ slug: 'grace', days: '31' }, /--days: Enter a whole number of days from 0 to 30/], [{ slug: 'grace', days: 'soon' }, /--days: /], [{ slug: 'grace' }, /--days: /], [{ slug: 'nope-nope', days: '2' }, /no organization/]] as const) {
    await assert.rejects(command(values), (error: Error) => error instanceof CliError && message.test(error.message));
  }
  assert.equal(await graceDays(org.id), 3);
  const inGrace = await freshUser();
  await redeemReadyChallenge(await readyChallenge(inGrace.id));
  const overdue = await freshUser();
  await redeemReadyChallenge(await readyChallenge(overdue.id));
  await setStart(overdue.id, Date.now() - 4 * DAY);
  const deadline = (await userRow(inGrace.id)).twoFactorGraceStartedAt! + 3 * DAY;
  const listed = await commands['user:list']!({ org: 'grace' });
  const line = (email: string) => listed.text.split('\n').find((l) => l.startsWith(`${email}\t`))!;
  assert.match(line(inGrace.email), new RegExp(`2FA off, due ${new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' }).format(deadline)}`));
  assert.match(line(overdue.email), /2FA off, overdue/);
  const row = (listed.data as { email: string; twoFactorDue: string | null }[]).find((u) => u.email === inGrace.email);
  assert.equal(row?.twoFactorDue, new Date(deadline).toISOString());
  // The JSON's words are English whatever the operator's language; the same words serve the lines.
  assert.equal((listed.data as { email: string; twoFactorGrace: string | null }[]).find((u) => u.email === overdue.email)?.twoFactorGrace, 'overdue');
  assert.equal(describeGrace({ kind: 'unstarted' }), 'grace starts at next sign-in');
  assert.equal(describeGrace({ kind: 'grace', deadline: Date.UTC(2026, 11, 6) }, 'de'), 'fällig 06.12.2026');
});

test('more grace days need an admin’s step-up, decided under the organization’s lock; fewer do not', async () => {
  const own = await createOrganization({ slug: 'grace-step-up', name: 'Grace step-up', policy: 'required' }, operator);
  const admin = await createUser({ org: 'grace-step-up', email: 'admin@grace-step-up.example', name: 'Admin', role: 'admin', method: 'password', password: 'password-1' }, operator);
  const sessionId = await writeTransaction((tx) => createSession(tx, admin.id, 'password', null));
  const actor = { kind: 'user' as const, userId: admin.id, sessionId };
  assert.deepEqual(await setGraceDays(own.id, 5, actor), { needsStepUp: true });
  assert.equal(await graceDays(own.id), 0, 'nothing changed');
  assert.deepEqual(await setGraceDays(own.id, 5, actor, null, true), { changed: true });
  assert.deepEqual(await setGraceDays(own.id, 2, actor), { changed: true }, 'fewer days: no step-up');
});
