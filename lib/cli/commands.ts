import 'server-only';
import { createInterface } from 'node:readline';
import { desc, eq } from 'drizzle-orm';
import { english } from '@/lib/i18n/translate';
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
import { invitationSchema, newOrganizationSchema, newUserSchema, policyField, slugField } from '@/lib/validation/accounts';

export class CliError extends Error {}
export interface Output {
  text: string;
  data: unknown;
  /** Written to stdout chunk by chunk instead of the text (a large export never held whole). */
  stream?: AsyncIterable<string>;
}
type Values = Record<string, string | boolean | string[] | undefined>;

const operator = { kind: 'operator' } as const;

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length ? `--${issue.path.join('.')}: ` : '';
  throw new CliError(`${field}${english(issue.message)}`);
}

/** One option, validated under its own name so that messages say which. */
function option<S extends z.ZodType>(name: string, schema: S, value: unknown): z.infer<S> {
  return parse(z.object({ [name]: schema }), { [name]: value })[name] as z.infer<S>;
}

async function organization(slug: unknown) {
  const org = await findOrganization(option('slug', slugField, slug));
  if (!org) throw new CliError(`no organization has the slug "${String(slug)}"`);
  return org;
}

async function user(email: unknown) {
  const found = await findUserByEmail(option('email', emailField, email));
  if (!found) throw new CliError(`no user has the email "${String(email)}"`);
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
  if (orgIds.size > 1) throw new CliError('the users belong to more than one organization: give one organization\'s users at a time');
  const result = await requireTwoFactorForUsers(targets[0]!.orgId, targets.map((t) => t.id), operator);
  if ('refused' in result || result.unknown.length) throw new CliError('a user was removed meanwhile: nothing was changed');
  const emailOf = (u: { id: number }) => targets.find((t) => t.id === u.id)!.email;
  const changed = result.changed.map(emailOf);
  const signedOut = result.signedOut.map(emailOf);
  const lines = [
    changed.length ? `2FA required for ${changed.join(', ')}.` : '2FA required for nobody new (unchanged).',
    signedOut.length ? `Signed out to set it up at their next sign-in: ${signedOut.join(', ')}.` : null,
    result.skipped.alreadyRequired ? `Skipped ${result.skipped.alreadyRequired} already required.` : null,
    result.skipped.sso ? `Skipped ${result.skipped.sso} SSO user(s): their identity provider handles 2FA.` : null,
  ];
  return { text: lines.filter((l) => l !== null).join('\n'), data: { required: true, changed, signedOut, skipped: { sso: result.skipped.sso, alreadyRequired: result.skipped.alreadyRequired } } };
}

export const commands: Record<string, (v: Values) => Promise<Output>> = {
  async 'org:create'(v) {
    const input = parse(newOrganizationSchema, { slug: v.slug, name: v.name, policy: v.policy });
    const org = await createOrganization(input, operator);
    return { text: `Created organization ${org.slug} (${org.name}), 2FA policy ${org.policy}.`, data: org };
  },
  async 'org:policy'(v) {
    const org = await organization(v.slug);
    const policy = option('policy', policyField, v.policy);
    const result = await setOrganizationPolicy(org.id, policy, operator);
    const text = result.changed ? `2FA policy of ${org.slug} is now ${policy}; ${result.sessionsEnded} user(s) newly required were signed out.` : `2FA policy of ${org.slug} was already ${policy}.`;
    return { text, data: { slug: org.slug, policy, ...result } };
  },
  async 'user:create'(v) {
    if ([v.password !== undefined, v['password-stdin'] === true, v.sso === true].filter(Boolean).length > 1) throw new CliError('give one of --password, --password-stdin or --sso, not more');
    const password = v['password-stdin'] ? await firstLineOfStdin() : v.password;
    const input = parse(newUserSchema, { org: v.org, email: v.email, name: v.name, role: v.role, method: v.sso ? 'sso' : 'password', password });
    const created = await createUser(input, operator);
    return { text: `Created ${created.role} ${created.email} in ${input.org} (${created.method}).`, data: created };
  },
  async 'user:require-2fa'(v) {
    if (v.on === v.off) throw new CliError('give exactly one of --on or --off');
    if (Array.isArray(v.emails) && v.emails.length > 1) {
      if (!v.on) throw new CliError('--off takes one --email');
      return requireForSeveral(v.emails);
    }
    const target = await user(v.email);
    const result = await setUserTwoFactorRequired(target.id, v.on === true, operator);
    return { text: `2FA ${v.on ? 'required' : 'no longer required'} for ${target.email}${result.changed ? '' : ' (unchanged)'}.`, data: { email: target.email, required: v.on === true, ...result } };
  },
  async 'user:reset-2fa'(v) {
    const target = await user(v.email);
    await resetTwoFactor(target.id, { actor: operator, orgId: target.orgId, ip: null, reason: 'break-glass reset from the command line' });
    return { text: `Reset 2FA of ${target.email}: app, security keys, recovery codes and pending sign-ins removed; all sessions ended.`, data: { email: target.email, reset: true } };
  },
  async 'user:invite'(v) {
    const org = await organization(v.org);
    const input = parse(invitationSchema, { email: v.email, name: v.name, role: v.role, method: v.sso ? 'sso' : 'password' });
    const result = await inviteUser(input, { actor: operator, orgId: org.id, ip: null });
    if ('refused' in result) throw new CliError(`a user with the email ${input.email} already exists`);
    const text = input.method === 'sso' ? `Added ${input.role} ${input.email} to ${org.slug} (SSO): they sign in through the identity provider.` : `Invited ${input.role} ${input.email} to ${org.slug}: the running server mails them a link to choose a password (valid 48 hours).`;
    return { text, data: { id: result.id, org: org.slug, ...input, invited: input.method === 'password' } };
  },
  async 'user:deactivate'(v) {
    const target = await user(v.email);
    const result = await setUserDeactivated(target.id, true, { actor: operator, orgId: target.orgId, ip: null });
    const changed = 'changed' in result && result.changed;
    return { text: changed ? `Deactivated ${target.email}: signed out everywhere; they cannot sign in until reactivated.` : `${target.email} was already deactivated.`, data: { email: target.email, deactivated: true, changed } };
  },
  async 'user:reactivate'(v) {
    const target = await user(v.email);
    const result = await setUserDeactivated(target.id, false, { actor: operator, orgId: target.orgId, ip: null });
    const changed = 'changed' in result && result.changed;
    return { text: changed ? `Reactivated ${target.email}: they can sign in again.` : `${target.email} was not deactivated.`, data: { email: target.email, deactivated: false, changed } };
  },
  async 'user:sign-out'(v) {
    const target = await user(v.email);
    const result = await signOutEverywhere(target.id, { actor: operator, orgId: target.orgId, ip: null });
    // The operator always acts, and the user was just found in their own organization.
    const ended = 'ended' in result ? result.ended : 0;
    return { text: `Signed ${target.email} out everywhere: ${ended} session${ended === 1 ? '' : 's'} ended.`, data: { email: target.email, sessionsEnded: ended } };
  },
  async 'user:send-reset'(v) {
    const target = await user(v.email);
    if (target.signInMethod !== 'password') throw new CliError(`${target.email} signs in through single sign-on: the identity provider keeps their password`);
    // Not capped (the operator decides), audited as the operator.
    const outcome = await sendResetLink(target.email, null, operator, { capped: false });
    if (outcome !== 'sent') throw new CliError(`${target.email} has no password yet or is deactivated: no reset link was sent`);
    return { text: `Queued a password reset link to ${target.email} (the running server sends it; it works once, for 30 minutes).`, data: { email: target.email, sent: true } };
  },
  async 'demo:bulk'(v) {
    const org = await organization(v.org);
    const count = option('users', z.coerce.number().int().min(1).max(1_000_000), v.users);
    // One progress line: rewritten in place on a terminal, a line per tenth elsewhere.
    const tenth = Math.max(1, Math.floor(count / 10));
    const result = await bulkCreateUsers(org, count, (done) => {
      if (process.stderr.isTTY) process.stderr.write(`\rCreating users… ${done}/${count}`);
      else if (done % tenth < 500 || done === count) process.stderr.write(`Creating users… ${done}/${count}\n`);
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    return { text: `Created ${result.created} users in ${org.slug} (${result.twoFactor} with 2FA, ${result.sso} SSO). Their shared password, shown once: ${result.password}`, data: result };
  },
  async 'user:list'(v) {
    const org = await organization(v.org);
    if (v.csv) {
      if (v.json) throw new CliError('--csv and --json: choose one');
      // The same rows as the admin's "Download CSV" of the whole table, in its default order (by name).
      const pages = userCsvPages({ orgId: org.id, policy: org.twoFactorPolicy, sort: 'name', dir: 'asc' });
      return { text: '', data: null, stream: (async function* () { yield USERS_CSV_HEADER; yield* pages; })() };
    }
    const now = Date.now();
    const rows = (await listUsers(org.id)).map(({ secondFactorFailures, ...u }) => {
      const standing = graceStanding(u, org.twoFactorPolicy, { days: org.twoFactorGraceDays, startedAt: u.twoFactorGraceStartedAt }, now);
      return { ...u, status: statusOf(u), secondFactors: describeSecondFactors(u), secondFactorLocked: isSecondFactorSuspended(secondFactorFailures), twoFactorDue: standing.kind === 'grace' ? new Date(standing.deadline).toISOString() : null, twoFactorGrace: describeGrace(standing) };
    });
    const text = rows.map((u) => `${u.email}\t${u.name}\t${u.role}\t${u.signInMethod}\t${u.status}\t2FA ${u.secondFactors ? `on (${u.secondFactors})` : 'off'}${u.twoFactorRequired ? ' (required)' : ''}${u.twoFactorGrace ? `, ${u.twoFactorGrace}` : ''}${u.secondFactorLocked ? ', locked' : ''}\tcodes ${u.recoveryCodesLeft}\tlast sign-in ${date(u.lastSignInAt)}`).join('\n');
    return { text: text || `${org.slug} has no users.`, data: rows };
  },
  async 'db:backup'(v) {
    if (typeof v.file !== 'string' || v.file === '') throw new CliError('give the backup file: db:backup FILE');
    const { file, pages } = await backupDatabase(v.file);
    return { text: `Backed up the database to ${file} (${pages} pages). Keep the key files (auth-secret, encryption-key, code-key) with it: without them its 2FA secrets and recovery codes are useless.`, data: { file, pages } };
  },
  async 'db:restore'(v) {
    if (typeof v.file !== 'string' || v.file === '') throw new CliError('give the backup file: db:restore FILE');
    const restored = await restoreDatabase(v.file, { force: v.force === true });
    // Opened as at start: an older backup is migrated, the key checks are read again.
    await database();
    await prepareSecrets();
    await auditAlone({ orgId: null, actor: operator, action: 'db.restored', detail: { from: restored.from, pages: restored.pages, replacedUsers: restored.replacedUsers } });
    const replaced = restored.replacedUsers ? `, replacing a database of ${restored.replacedUsers} user(s)` : '';
    const migrated = restored.migrationsToApply ? `; ${restored.migrationsToApply} migration(s) applied` : '';
    return { text: `Restored ${restored.file} from ${restored.from} (${restored.pages} pages${replaced}${migrated}). Start the server.`, data: restored };
  },
  async 'mail:status'() {
    const status = await outboxStatus();
    const { smtpUrl, dir } = config().mail;
    const lines = [
      `Outbox: ${status.pending} pending${status.oldestPendingAt === null ? '' : ` (the oldest written ${date(status.oldestPendingAt)})`}, ${status.sent} sent, ${status.failed} failed.`,
      // Where the mails go, without SMTP_URL's password.
      `Delivery: ${smtpUrl ? `SMTP, ${new URL(smtpUrl).host}` : `.eml files in ${dir}`}.`,
      ...(status.lastError ? [`Last error: ${status.lastError}`] : []),
      ...(status.failed ? ['Once the mail server is back: npm run cli -- mail:retry'] : []),
    ];
    return { text: lines.join('\n'), data: status };
  },
  async 'mail:retry'() {
    const result = await writeTransaction(async (tx) => {
      const done = await retryFailedMails(tx);
      if (done.retried) await audit(tx, { orgId: null, actor: operator, action: 'mail.retried', detail: { mails: done.retried } });
      return done;
    });
    const skipped = result.skipped ? ` ${result.skipped} failed mail(s) have no text left and cannot be sent again.` : '';
    return { text: `${result.retried ? `${result.retried} failed mail(s) will be sent again by the running server.` : 'No failed mail to send again.'}${skipped}`, data: result };
  },
  async 'mail:test'(v) {
    const to = option('to', emailField, v.to);
    const { appName } = config();
    await writeTransaction(async (tx) => {
      const mail = renderMail({
        kind: 'test',
        userId: null,
        to,
        name: to,
        subject: 'Test mail',
        paragraphs: [`This is a test mail from ${appName}, queued by an operator with \`mail:test\`. If it reached you, ${appName} can send mail.`],
      });
      await enqueueMail(tx, mail);
      await audit(tx, { orgId: null, actor: operator, action: 'mail.test_queued', detail: { to } });
    });
    return { text: `Queued a test mail to ${to}: the running server sends it (see mail:status).`, data: { to, queued: true } };
  },
  async 'audit:list'(v) {
    const org = await organization(v.org);
    const limit = option('limit', z.coerce.number().int().min(1).max(10000), v.limit ?? 100);
    if (v.csv) {
      // The same rows as the admin's "Download CSV": sentences, formula cells neutralised.
      const { rows } = await auditPage({ orgId: org.id, limit });
      return { text: (AUDIT_CSV_HEADER + rows.map(auditCsvRow).join('')).trimEnd(), data: rows };
    }
    const rows = await (await db()).select().from(auditEvents).where(eq(auditEvents.orgId, org.id)).orderBy(desc(auditEvents.id)).limit(limit);
    const text = rows.map((e) => `${date(e.createdAt)}\t${e.actorKind === 'operator' ? 'operator (CLI)' : e.actorKind === 'user' ? `user ${e.actorUserId}` : 'system'}\t${e.action}\t${e.targetUserId ? `user ${e.targetUserId}` : '-'}\t${e.detail ?? ''}`).join('\n');
    return { text: text || `No audit events for ${org.slug}.`, data: rows };
  },
};
