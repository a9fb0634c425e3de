import 'server-only';
import { createInterface } from 'node:readline';
import { desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { database, db, writeTransaction } from '@/db';
import { auditEvents } from '@/db/schema';
import { createOrganization, findOrganization, setOrganizationPolicy } from '@/lib/accounts/organizations';
import { sendResetLink } from '@/lib/accounts/password-reset';
import { createUser, findUserByEmail, listUsers, requireTwoFactorForUsers, setUserTwoFactorRequired } from '@/lib/accounts/users';
import { setUserDeactivated } from '@/lib/accounts/deactivation';
import { signOutEverywhere } from '@/lib/auth/devices';
import { inviteUser } from '@/lib/accounts/invitations';
import { statusOf } from '@/db/queries/admin-users';
import { describeGrace, describeSecondFactors, graceStanding } from '@/lib/auth/policy';
import { isSecondFactorSuspended } from '@/lib/auth/second-factor';
import { resetTwoFactor } from '@/lib/auth/two-factor-changes';
import { audit, auditAlone } from '@/lib/audit';
import { AUDIT_CSV_HEADER, auditCsvRow } from '@/lib/audit-csv';
import { USERS_CSV_HEADER, userCsvPages } from '@/lib/users-csv';
import { auditPage } from '@/db/queries/audit';
import { renderMail } from '@/lib/mail/messages';
import { enqueueMail, outboxStatus, retryFailedMails } from '@/lib/mail/outbox';
import { prepareSecrets } from '@/lib/secrets';
import { backupDatabase } from '@/lib/ops/backup';
import { restoreDatabase } from '@/lib/ops/restore';
import { bulkCreateUsers } from '@/lib/ops/bulk';
import { config } from '@/lib/config';
import { emailField } from '@/lib/validation/fields';
import { ACCOUNT_TOKEN_MS } from '@/lib/auth/account-tokens';
import { environmentLocale } from '@/lib/i18n/environment';
import { translatorFor } from '@/lib/i18n/translate';
import { cell, jsonCell } from './printable';
import { say, sayMessage } from './say';
import { invitationSchema, newOrganizationSchema, newUserSchema, policyField, slugField } from '@/lib/validation/accounts';

export class CliError extends Error {}
export interface Output {
  text: string;
  data: unknown;
  /** Written to stdout chunk by chunk instead of the text (a large export never held whole). */
  stream?: AsyncIterable<string>;
  /** The text is CSV: data for a program, printed byte for byte (lib/cli/printable.ts is for the rest). */
  csv?: boolean;
}
type Values = Record<string, string | boolean | string[] | undefined>;

const operator = { kind: 'operator' } as const;

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length ? `--${issue.path.join('.')}: ` : '';
  throw new CliError(`${field}${sayMessage(issue.message)}`);
}

/** One option, validated under its own name so that messages say which. */
function option<S extends z.ZodType>(name: string, schema: S, value: unknown): z.infer<S> {
  return parse(z.object({ [name]: schema }), { [name]: value })[name] as z.infer<S>;
}

async function organization(slug: unknown) {
  const org = await findOrganization(option('slug', slugField, slug));
  if (!org) throw new CliError(say('Cli.noOrganization', { slug: String(slug) }));
  return org;
}

async function user(email: unknown) {
  const found = await findUserByEmail(option('email', emailField, email));
  if (!found) throw new CliError(say('Cli.noUser', { email: String(email) }));
  return found;
}

/** The first line of standard input (without its line break), so a password stays out of the process list. */
async function firstLineOfStdin(): Promise<string> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

const date = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z'));

/**
 * `user:require-2fa --on` with several `--email`: the admin table's "Require 2FA for selected", as the
 * operator, in one transaction. Every address must name a user, all of one organization; else nothing changes.
 */
async function requireForSeveral(emails: string[]): Promise<Output> {
  const targets: NonNullable<Awaited<ReturnType<typeof findUserByEmail>>>[] = [];
  for (const email of emails) targets.push(await user(email));
  const orgIds = new Set(targets.map((t) => t.orgId));
  if (orgIds.size > 1) throw new CliError(say('Cli.severalOrganizations'));
  const result = await requireTwoFactorForUsers(targets[0]!.orgId, targets.map((t) => t.id), operator);
  if ('refused' in result || result.unknown.length) throw new CliError(say('Cli.removedMeanwhile'));
  const emailOf = (u: { id: number }) => targets.find((t) => t.id === u.id)!.email;
  const changed = result.changed.map(emailOf);
  const signedOut = result.signedOut.map(emailOf);
  const lines = [
    changed.length ? say('Cli.requiredSeveral', { emails: changed.join(', ') }) : say('Cli.requiredNobody'),
    signedOut.length ? say('Cli.signedOutToSetUp', { emails: signedOut.join(', ') }) : null,
    result.skipped.alreadyRequired ? say('Cli.skippedRequired', { count: String(result.skipped.alreadyRequired) }) : null,
    result.skipped.sso ? say('Cli.skippedSso', { count: String(result.skipped.sso) }) : null,
  ];
  return { text: lines.filter((l) => l !== null).join('\n'), data: { required: true, changed, signedOut, skipped: { sso: result.skipped.sso, alreadyRequired: result.skipped.alreadyRequired } } };
}

export const commands: Record<string, (v: Values) => Promise<Output>> = {
  async 'org:create'(v) {
    const input = parse(newOrganizationSchema, { slug: v.slug, name: v.name, policy: v.policy });
    const org = await createOrganization(input, operator);
    return { text: say('Cli.organizationCreated', { slug: org.slug, name: org.name, policy: org.policy }), data: org };
  },
  async 'org:policy'(v) {
    const org = await organization(v.slug);
    const policy = option('policy', policyField, v.policy);
    const result = await setOrganizationPolicy(org.id, policy, operator);
    const text = result.changed ? say('Cli.policyChanged', { slug: org.slug, policy, ended: String(result.sessionsEnded) }) : say('Cli.policyUnchanged', { slug: org.slug, policy });
    return { text, data: { slug: org.slug, policy, ...result } };
  },
  async 'user:create'(v) {
    if ([v.password !== undefined, v['password-stdin'] === true, v.sso === true].filter(Boolean).length > 1) throw new CliError(say('Cli.onePasswordOption'));
    const password = v['password-stdin'] ? await firstLineOfStdin() : v.password;
    const input = parse(newUserSchema, { org: v.org, email: v.email, name: v.name, role: v.role, method: v.sso ? 'sso' : 'password', password });
    const created = await createUser(input, operator);
    return { text: say('Cli.userCreated', { role: created.role, email: created.email, org: input.org, method: created.method }), data: created };
  },
  async 'user:require-2fa'(v) {
    if (v.on === v.off) throw new CliError(say('Cli.onOrOff'));
    if (Array.isArray(v.emails) && v.emails.length > 1) {
      if (!v.on) throw new CliError(say('Cli.offOneEmail'));
      return requireForSeveral(v.emails);
    }
    const target = await user(v.email);
    const result = await setUserTwoFactorRequired(target.id, v.on === true, operator);
    return { text: say(v.on ? 'Cli.required' : 'Cli.notRequired', { email: target.email, unchanged: result.changed ? '' : say('Cli.unchanged') }), data: { email: target.email, required: v.on === true, ...result } };
  },
  async 'user:reset-2fa'(v) {
    const target = await user(v.email);
    await resetTwoFactor(target.id, { actor: operator, orgId: target.orgId, ip: null, reason: 'break-glass reset from the command line' });
    return { text: say('Cli.twoFactorReset', { email: target.email }), data: { email: target.email, reset: true } };
  },
  async 'user:invite'(v) {
    const org = await organization(v.org);
    const input = parse(invitationSchema, { email: v.email, name: v.name, role: v.role, method: v.sso ? 'sso' : 'password' });
    const result = await inviteUser(input, { actor: operator, orgId: org.id, ip: null });
    if ('refused' in result) throw new CliError(say('Cli.emailTaken', { email: input.email }));
    const names = { role: input.role, email: input.email, org: org.slug };
    const text = input.method === 'sso' ? say('Cli.addedSso', names) : say('Cli.invited', { ...names, hours: String(ACCOUNT_TOKEN_MS.invitation / 3_600_000) });
    return { text, data: { id: result.id, org: org.slug, ...input, invited: input.method === 'password' } };
  },
  async 'user:deactivate'(v) {
    const target = await user(v.email);
    const result = await setUserDeactivated(target.id, true, { actor: operator, orgId: target.orgId, ip: null });
    const changed = 'changed' in result && result.changed;
    return { text: say(changed ? 'Cli.deactivated' : 'Cli.alreadyDeactivated', { email: target.email }), data: { email: target.email, deactivated: true, changed } };
  },
  async 'user:reactivate'(v) {
    const target = await user(v.email);
    const result = await setUserDeactivated(target.id, false, { actor: operator, orgId: target.orgId, ip: null });
    const changed = 'changed' in result && result.changed;
    return { text: say(changed ? 'Cli.reactivated' : 'Cli.notDeactivated', { email: target.email }), data: { email: target.email, deactivated: false, changed } };
  },
  async 'user:sign-out'(v) {
    const target = await user(v.email);
    const result = await signOutEverywhere(target.id, { actor: operator, orgId: target.orgId, ip: null });
    // The operator always acts, and the user was just found in their own organization.
    const ended = 'ended' in result ? result.ended : 0;
    return { text: say('Cli.signedOut', { email: target.email, count: String(ended), sessions: ended }), data: { email: target.email, sessionsEnded: ended } };
  },
  async 'user:send-reset'(v) {
    const target = await user(v.email);
    if (target.signInMethod !== 'password') throw new CliError(say('Cli.ssoNoReset', { email: target.email }));
    // Not capped (the operator decides), audited as the operator.
    const outcome = await sendResetLink(target.email, null, operator, { capped: false });
    if (outcome !== 'sent') throw new CliError(say('Cli.noResetSent', { email: target.email }));
    return { text: say('Cli.resetQueued', { email: target.email, minutes: String(ACCOUNT_TOKEN_MS.password_reset / 60_000) }), data: { email: target.email, sent: true } };
  },
  async 'demo:bulk'(v) {
    const org = await organization(v.org);
    const count = option('users', z.coerce.number().int().min(1).max(1_000_000), v.users);
    // One progress line: rewritten in place on a terminal, a line per tenth elsewhere.
    const tenth = Math.max(1, Math.floor(count / 10));
    const result = await bulkCreateUsers(org, count, (done) => {
      if (process.stderr.isTTY) process.stderr.write(`\r${say('Cli.creatingUsers', { done: String(done), count: String(count) })}`);
      else if (done % tenth < 500 || done === count) process.stderr.write(`${say('Cli.creatingUsers', { done: String(done), count: String(count) })}\n`);
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    return { text: say('Cli.bulkCreated', { created: String(result.created), slug: org.slug, twoFactor: String(result.twoFactor), sso: String(result.sso), password: result.password }), data: result };
  },
  async 'user:list'(v) {
    const org = await organization(v.org);
    if (v.csv) {
      if (v.json) throw new CliError(say('Cli.csvOrJson'));
      // The same rows as the admin's "Download CSV" of the whole table, in its default order (by name).
      const pages = userCsvPages({ orgId: org.id, policy: org.twoFactorPolicy, sort: 'name', dir: 'asc' });
      return { text: '', data: null, stream: (async function* () { yield USERS_CSV_HEADER; yield* pages; })() };
    }
    const now = Date.now();
    const rows = (await listUsers(org.id)).map(({ secondFactorFailures, ...u }) => {
      const standing = graceStanding(u, org.twoFactorPolicy, { days: org.twoFactorGraceDays, startedAt: u.twoFactorGraceStartedAt }, now);
      return { ...u, status: statusOf(u), secondFactors: describeSecondFactors(u), secondFactorLocked: isSecondFactorSuspended(secondFactorFailures), twoFactorDue: standing.kind === 'grace' ? new Date(standing.deadline).toISOString() : null, twoFactorGrace: describeGrace(standing), standing };
    });
    // The JSON keeps describeSecondFactors' and describeGrace's English (data); the lines are the operator's.
    const text = rows
      .map((u) => {
        const factors = describeSecondFactors(u, say);
        const grace = describeGrace(u.standing, environmentLocale());
        const twoFactor = `${factors ? say('Cli.list.twoFactorOn', { factors }) : say('Cli.list.twoFactorOff')}${u.twoFactorRequired ? say('Cli.list.required') : ''}${grace ? `, ${grace}` : ''}${u.secondFactorLocked ? say('Cli.list.locked') : ''}`;
        // Every stored field through cell(): a row restored from a backup passed no input check.
        return `${cell(u.email)}\t${cell(u.name)}\t${cell(u.role)}\t${cell(u.signInMethod)}\t${cell(u.status)}\t${twoFactor}\t${say('Cli.list.codes', { count: String(u.recoveryCodesLeft) })}\t${say('Cli.list.lastSignIn', { date: date(u.lastSignInAt) })}`;
      })
      .join('\n');
    return { text: text || say('Cli.noUsers', { slug: org.slug }), data: rows.map(({ standing: _, ...u }) => u) };
  },
  async 'db:backup'(v) {
    if (typeof v.file !== 'string' || v.file === '') throw new CliError(say('Cli.backupFile'));
    const { file, pages } = await backupDatabase(v.file);
    return { text: say('Cli.backedUp', { file, pages: String(pages) }), data: { file, pages } };
  },
  async 'db:restore'(v) {
    if (typeof v.file !== 'string' || v.file === '') throw new CliError(say('Cli.restoreFile'));
    const restored = await restoreDatabase(v.file, { force: v.force === true });
    // Opened as at start: an older backup is migrated, the key checks are read again.
    await database();
    await prepareSecrets();
    await auditAlone({ orgId: null, actor: operator, action: 'db.restored', detail: { from: restored.from, pages: restored.pages, replacedUsers: restored.replacedUsers } });
    const replaced = restored.replacedUsers ? say('Cli.restoredReplacing', { count: String(restored.replacedUsers) }) : '';
    const migrated = restored.migrationsToApply ? say('Cli.restoredMigrated', { count: String(restored.migrationsToApply) }) : '';
    return { text: say('Cli.restored', { file: restored.file, from: restored.from, pages: String(restored.pages), replaced, migrated }), data: restored };
  },
  async 'mail:status'() {
    const status = await outboxStatus();
    const { smtpUrl, dir } = config().mail;
    const lines = [
      say('Cli.outbox', {
        pending: String(status.pending),
        oldest: status.oldestPendingAt === null ? '' : say('Cli.outboxOldest', { date: date(status.oldestPendingAt) }),
        sent: String(status.sent),
        failed: String(status.failed),
      }),
      // Where the mails go, without SMTP_URL's password.
      smtpUrl ? say('Cli.deliverySmtp', { host: new URL(smtpUrl).host }) : say('Cli.deliveryFiles', { dir }),
      ...(status.lastError ? [say('Cli.lastError', { error: status.lastError })] : []),
      ...(status.failed ? [say('Cli.retryHint')] : []),
    ];
    return { text: lines.join('\n'), data: status };
  },
  async 'mail:retry'() {
    const result = await writeTransaction(async (tx) => {
      const done = await retryFailedMails(tx);
      if (done.retried) await audit(tx, { orgId: null, actor: operator, action: 'mail.retried', detail: { mails: done.retried } });
      return done;
    });
    const skipped = result.skipped ? say('Cli.retrySkipped', { count: String(result.skipped) }) : '';
    return { text: `${result.retried ? say('Cli.retried', { count: String(result.retried) }) : say('Cli.nothingToRetry')}${skipped}`, data: result };
  },
  async 'mail:test'(v) {
    const to = option('to', emailField, v.to);
    const { appName } = config();
    // In the operator's language: the address may be nobody's account, and the operator is the reader who asked.
    const locale = environmentLocale();
    const t = translatorFor(locale);
    await writeTransaction(async (tx) => {
      const mail = renderMail({ kind: 'test', userId: null, to, locale, name: to, subject: t('Mail.test.subject'), paragraphs: [t('Mail.test.body', { app: appName })] });
      await enqueueMail(tx, mail);
      await audit(tx, { orgId: null, actor: operator, action: 'mail.test_queued', detail: { to } });
    });
    return { text: say('Cli.testQueued', { to }), data: { to, queued: true } };
  },
  async 'audit:list'(v) {
    const org = await organization(v.org);
    const limit = option('limit', z.coerce.number().int().min(1).max(10000), v.limit ?? 100);
    if (v.csv) {
      // The same rows as the admin's "Download CSV": sentences, formula cells neutralised.
      const { rows } = await auditPage({ orgId: org.id, limit });
      return { text: (AUDIT_CSV_HEADER + rows.map(auditCsvRow).join('')).trimEnd(), data: rows, csv: true };
    }
    const rows = await (await db()).select().from(auditEvents).where(eq(auditEvents.orgId, org.id)).orderBy(desc(auditEvents.id)).limit(limit);
    const actor = (e: (typeof rows)[number]) => (e.actorKind === 'operator' ? say('Cli.actorOperator') : e.actorKind === 'user' ? say('Cli.actorUser', { id: String(e.actorUserId) }) : say('Cli.actorSystem'));
    const text = rows.map((e) => `${date(e.createdAt)}\t${actor(e)}\t${cell(e.action)}\t${e.targetUserId ? say('Cli.targetUser', { id: String(e.targetUserId) }) : '-'}\t${jsonCell(e.detail ?? '')}`).join('\n');
    return { text: text || say('Cli.noAuditEvents', { slug: org.slug }), data: rows };
  },
};
