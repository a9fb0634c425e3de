import type { Metadata } from 'next';
import Link from 'next/link';
import { ActionForm } from '@/app/_components/action-form';
import { ACCOUNT_STATUSES, orgUser, stateOf, statusOf, TWO_FACTOR_STATES, userTablePage, type AccountStatus, type TwoFactorState } from '@/db/queries/admin-users';
import { requireAdmin } from '@/lib/auth/current';
import { isSecondFactorSuspended } from '@/lib/auth/second-factor';
import { describeSecondFactors, formatDeadline, graceStanding, hasSecondFactor, type GraceStanding } from '@/lib/auth/policy';
import { stepUpFactors, stepUpNeedsCode } from '@/lib/auth/step-up';
import { decodeCursor, encodeCursor, firstValues, usersPageParams, type SearchParams } from '@/lib/validation/search-params';
import { setTwoFactorRequiredAction } from '../actions';
import { resendInvitationAction } from './invitation-actions';
import { AdoptionSummary } from '../adoption';
import { BULK_REQUIRE_FORM, BulkRequireForm } from './bulk-require-form';
import { DeactivateLink, ReactivateLink, ResetDialogProvider, ResetTwoFactorLink, RevokeInvitationLink, SignOutEverywhereLink, StopRequiringLink } from './reset-dialog';

export const metadata: Metadata = { title: 'Users' };

const PAGE_SIZE = 25;
// One form for the whole table; each row's "Require 2FA" button submits it with its user's id.
// ("Stop requiring" weakens the account: it steps up in the dialog, or on a page of its own.)
const REQUIRE_FORM = 'require-2fa';
// Likewise one form for every invited row's "Resend invitation" (it only mails the invitee: no step-up).
const RESEND_FORM = 'resend-invitation';
// Notices after changes name their user by id (looked up in the admin's organization), never by text from the URL.
const userNotices: Record<string, (name: string) => string> = {
  reset: (name) => `2FA of ${name} was reset. They were signed out everywhere.`,
  'not-required': (name) => `2FA is no longer required for ${name}.`,
  deactivated: (name) => `${name} was deactivated and signed out everywhere.`,
  reactivated: (name) => `${name} was reactivated and can sign in again.`,
  invited: (name) => `${name} was invited. They got a mail with a link to choose their password, valid for 48 hours.`,
  added: (name) => `${name} was added. They sign in through your identity provider.`,
  resent: (name) => `The invitation was sent to ${name} again. Only the newest link works.`,
  'signed-out': (name) => `${name} was signed out everywhere.`,
};
// After a revoked invitation the user is gone: a notice without a name.
const plainNotices: Record<string, string> = { revoked: 'The invitation was revoked and the account removed.' };
const statusLabel: Record<AccountStatus, string> = { active: 'Active', invited: 'Invited', deactivated: 'Deactivated' };
const statusBadge: Record<AccountStatus, string> = {
  active: 'bg-green-100 text-green-900 dark:bg-green-950 dark:text-green-100',
  invited: 'bg-blue-100 text-blue-900 dark:bg-blue-950 dark:text-blue-100',
  deactivated: 'bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-100',
};
const stateLabel: Record<TwoFactorState, string> = { enabled: 'Enabled', not_set_up: 'Not set up', required: 'Required, not set up', sso: 'Managed by identity provider' };
const stateBadge: Record<TwoFactorState, string> = {
  enabled: 'bg-green-100 text-green-900 dark:bg-green-950 dark:text-green-100',
  not_set_up: 'bg-slate-200 text-slate-900 dark:bg-slate-800 dark:text-slate-100',
  required: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-100',
  sso: 'bg-blue-100 text-blue-900 dark:bg-blue-950 dark:text-blue-100',
};

/** Under a "Required, not set up" badge: the user's deadline while in grace, or that it has passed. */
function GraceNote({ standing }: { standing: GraceStanding }) {
  if (standing.kind === 'grace') return <span className="mt-1 block text-xs">Not set up — due <time dateTime={new Date(standing.deadline).toISOString()}>{formatDeadline(standing.deadline, 'medium')}</time></span>;
  if (standing.kind === 'unstarted') return <span className="mt-1 block text-xs">Grace period starts at their next sign-in</span>;
  if (standing.kind === 'due' && standing.deadline !== null) return <span className="mt-1 block text-xs font-semibold text-red-800 dark:text-red-300">Overdue</span>;
  return null;
}

const date = (ms: number | null) => (ms === null ? '—' : new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC');

export default async function UsersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const current = await requireAdmin();
  const { user: me, org } = current;
  const raw = await searchParams;
  const query = usersPageParams.parse(firstValues(raw));
  const cursor = query.page === 'last' ? undefined : (decodeCursor(query.after, false) ?? decodeCursor(query.before, true));
  const { rows, hasNext, hasPrevious } = await userTablePage({ orgId: org.id, policy: org.twoFactorPolicy, q: query.q || undefined, state: query.state, method: query.method, status: query.status, sort: query.sort, dir: query.dir, cursor, last: query.page === 'last', limit: PAGE_SIZE });
  const link = (change: Record<string, string | undefined>, path = '/admin/users') => {
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries({ q: query.q, state: query.state, method: query.method, status: query.status, sort: query.sort, dir: query.dir === 'desc' ? 'desc' : undefined, ...change })) if (v) next.set(k, v);
    return `${path}?${next}`;
  };
  const filtered = Boolean(query.q || query.state || query.method || query.status);
  const keyOf = (u: { name: string; email: string; id: number }) => encodeCursor(query.sort === 'name' ? u.name : u.email, u.id);
  const first = rows[0];
  const last = rows[rows.length - 1];
  const notice = await userNotice(org.id, raw);
  return (
    <section className="space-y-4" aria-labelledby="users-heading">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="users-heading" className="text-xl font-semibold">Users</h2>
        <Link href="/admin/users/new" className="btn-primary no-underline">Add user</Link>
      </div>
      <AdoptionSummary org={org} />
      {notice ? <p role="status" className="rounded-md border border-green-300 bg-green-50 p-3 text-green-900 dark:border-green-800 dark:bg-green-950 dark:text-green-100">{notice}</p> : null}
      {/* Keyed by the filters: a link to another filter (the adoption counts) shows it in the selects, with JavaScript too. */}
      <form key={[query.q, query.state, query.method, query.status, query.sort, query.dir].join('|')} method="get" action="/admin/users" className="flex flex-wrap items-end gap-3" role="search">
        <div>
          <label htmlFor="q" className="block text-sm font-medium">Search name or email</label>
          <input id="q" name="q" defaultValue={query.q} className="input" placeholder="Starts with…" />
        </div>
        <div>
          <label htmlFor="state" className="block text-sm font-medium">2FA</label>
          <select id="state" name="state" defaultValue={query.state ?? ''} className="input">
            <option value="">Any</option>
            {TWO_FACTOR_STATES.map((s) => <option key={s} value={s}>{stateLabel[s]}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="method" className="block text-sm font-medium">Sign-in method</label>
          <select id="method" name="method" defaultValue={query.method ?? ''} className="input">
            <option value="">Any</option>
            <option value="password">Password</option>
            <option value="sso">SSO</option>
          </select>
        </div>
        <div>
          <label htmlFor="status" className="block text-sm font-medium">Status</label>
          <select id="status" name="status" defaultValue={query.status ?? ''} className="input">
            <option value="">Any</option>
            {ACCOUNT_STATUSES.map((s) => <option key={s} value={s}>{statusLabel[s]}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="sort" className="block text-sm font-medium">Sort by</label>
          <select id="sort" name="sort" defaultValue={query.sort} className="input">
            <option value="name">Name</option>
            <option value="email">Email</option>
          </select>
        </div>
        <div>
          <label htmlFor="dir" className="block text-sm font-medium">Order</label>
          <select id="dir" name="dir" defaultValue={query.dir} className="input">
            <option value="asc">A to Z</option>
            <option value="desc">Z to A</option>
          </select>
        </div>
        <button type="submit" className="btn-primary">Apply</button>
        <Link href="/admin/users" className="btn-secondary no-underline">Clear</Link>
      </form>
      <p>
        {/* A download, not a page: a plain link (prefetching it would export, and audit, on hover). The table's filters and order, not its page. */}
        <a href={link({}, '/admin/users/export.csv')} className="btn-secondary no-underline" download>Download CSV{filtered ? ' (as filtered)' : ''}</a>
      </p>
      <ActionForm id={REQUIRE_FORM} action={setTwoFactorRequiredAction}>
        <input type="hidden" name="required" value="on" />
      </ActionForm>
      <ActionForm id={RESEND_FORM} action={resendInvitationAction} />
      {rows.length === 0 ? (
        <p className="card">No users match. <Link href="/admin/users">Show all users</Link></p>
      ) : (
        <ResetDialogProvider needsCode={stepUpNeedsCode(current)} factors={stepUpFactors(current)}>
          <div tabIndex={0} role="region" aria-label="Users table" className="overflow-x-auto rounded-xl border border-slate-200 dark:border-slate-800">
            <table className="min-w-full divide-y divide-slate-200 bg-white text-sm dark:divide-slate-800 dark:bg-slate-900">
              <thead>
                <tr className="text-left">
                  <th scope="col" className="px-3 py-2 font-semibold">Select</th>
                  {['Name', 'Email', 'Role', 'Status', 'Sign-in method', '2FA', 'Second factors', 'Recovery codes left', 'Last sign-in', 'Last 2FA use', 'Actions'].map((h) => <th key={h} scope="col" className="px-3 py-2 font-semibold">{h}</th>)}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
                {rows.map((u) => {
                  const state = stateOf(u, org.twoFactorPolicy);
                  const grace = graceStanding(u, org.twoFactorPolicy, { days: org.twoFactorGraceDays, startedAt: u.twoFactorGraceStartedAt });
                  const status = statusOf(u);
                  const target = { userId: u.id, name: u.name, email: u.email };
                  return (
                    <tr key={u.id}>
                      <td className="px-3 py-2">
                        {/* Belongs to the "Require 2FA for selected" form under the table; one's own row has none. */}
                        {u.id === me.id ? null : <input type="checkbox" name="userIds" value={u.id} form={BULK_REQUIRE_FORM} aria-label={`Select ${u.name}`} className="h-4 w-4" />}
                      </td>
                      <th scope="row" className="px-3 py-2 text-left font-medium">{u.name}</th>
                      <td className="px-3 py-2">{u.email}</td>
                      <td className="px-3 py-2">{u.role === 'admin' ? 'Admin' : 'Member'}</td>
                      <td className="px-3 py-2"><span className={`rounded-full px-2 py-0.5 text-xs font-medium ${statusBadge[status]}`}>{statusLabel[status]}</span></td>
                      <td className="px-3 py-2">{u.signInMethod === 'sso' ? 'SSO' : 'Password'}</td>
                      <td className="px-3 py-2"><span className={`rounded-full px-2 py-0.5 text-xs font-medium ${stateBadge[state]}`}>{stateLabel[state]}</span>{u.twoFactorRequired && state === 'enabled' ? <span className="ml-1 text-xs">(required)</span> : null}{isSecondFactorSuspended(u.secondFactorFailures) ? <span className="ml-1 rounded-full bg-red-100 px-2 py-0.5 text-xs font-medium text-red-900 dark:bg-red-950 dark:text-red-100">Locked</span> : null}<GraceNote standing={grace} /></td>
                      <td className="px-3 py-2" data-testid="second-factors">{describeSecondFactors(u) ?? '—'}</td>
                      <td className="px-3 py-2">{hasSecondFactor(u) ? u.recoveryCodesLeft : '—'}</td>
                      <td className="px-3 py-2">{date(u.lastSignInAt)}</td>
                      <td className="px-3 py-2">{date(u.totpLastUsedAt)}</td>
                      <td className="px-3 py-2">
                        {u.id === me.id ? (
                          <div className="flex flex-wrap items-center gap-2">
                            <span>Use your profile for your own 2FA</span>
                            <SignOutEverywhereLink {...target} />
                          </div>
                        ) : status === 'deactivated' ? (
                          <ReactivateLink {...target} />
                        ) : status === 'invited' ? (
                          <div className="flex flex-wrap items-center gap-2">
                            <button type="submit" form={RESEND_FORM} name="userId" value={u.id} className="btn-secondary py-1" aria-label={`Resend invitation to ${u.name}`}>
                              Resend invitation
                            </button>
                            <RevokeInvitationLink {...target} />
                          </div>
                        ) : (
                          <div className="flex flex-wrap items-center gap-2">
                            {u.signInMethod === 'sso' ? null : (
                              <>
                                <ResetTwoFactorLink {...target} />
                                {u.twoFactorRequired ? (
                                  <StopRequiringLink {...target} />
                                ) : (
                                  // Submits the form above the table, which shows the outcome.
                                  <button type="submit" form={REQUIRE_FORM} name="userId" value={u.id} className="btn-secondary py-1" aria-label={`Require 2FA for ${u.name}`}>
                                    Require 2FA
                                  </button>
                                )}
                              </>
                            )}
                            <SignOutEverywhereLink {...target} />
                            <DeactivateLink {...target} />
                          </div>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </ResetDialogProvider>
      )}
      {rows.length ? <BulkRequireForm needsCode={stepUpNeedsCode(current)} factors={stepUpFactors(current)} /> : null}
      <nav aria-label="Pages" className="flex flex-wrap gap-4">
        {hasPrevious ? <Link href={link({})}>First page</Link> : null}
        {hasPrevious && first ? <Link href={link({ before: keyOf(first) })}>Previous page</Link> : null}
        {hasNext && last ? <Link href={link({ after: keyOf(last) })}>Next page</Link> : null}
        {hasNext ? <Link href={link({ page: 'last' })}>Last page</Link> : null}
      </nav>
    </section>
  );
}

async function userNotice(orgId: number, raw: SearchParams): Promise<string | null> {
  const { notice, user } = firstValues(raw);
  if (notice && Object.hasOwn(plainNotices, notice)) return plainNotices[notice]!;
  if (!notice || !Object.hasOwn(userNotices, notice) || !user || !/^[1-9][0-9]{0,15}$/.test(user)) return null;
  const target = await orgUser(orgId, Number(user));
  return target ? userNotices[notice]!(target.name) : null;
}
