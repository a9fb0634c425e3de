import type { Metadata } from 'next';
import Link from 'next/link';
import { getLocale, getTranslations } from 'next-intl/server';
import { ActionForm } from '@/app/_components/action-form';
import { ACCOUNT_STATUSES, orgUser, stateOf, statusOf, TWO_FACTOR_STATES, userTablePage, type AccountStatus, type TwoFactorState } from '@/db/queries/admin-users';
import { requireAdmin } from '@/lib/auth/current';
import { isSecondFactorSuspended } from '@/lib/auth/second-factor';
import { describeSecondFactors, formatDeadline, graceStanding, hasSecondFactor, type GraceStanding } from '@/lib/auth/policy';
import { isLocale, type Locale } from '@/lib/i18n/locales';
import { translatorFor } from '@/lib/i18n/translate';
import { formatCompactDateTime } from '@/lib/i18n/utc-times';
import { stepUpFactors, stepUpNeedsCode } from '@/lib/auth/step-up';
import { decodeCursor, encodeCursor, firstValues, usersPageParams, type SearchParams } from '@/lib/validation/search-params';
import { setTwoFactorRequiredAction } from '../actions';
import { resendInvitationAction } from './invitation-actions';
import { AdoptionSummary } from '../adoption';
import { BULK_REQUIRE_FORM, BulkRequireForm } from './bulk-require-form';
import { DeactivateLink, ReactivateLink, ResetDialogProvider, ResetTwoFactorLink, RevokeInvitationLink, SignOutEverywhereLink, StopRequiringLink } from './reset-dialog';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('AdminMetadata'))('users') };
}

const PAGE_SIZE = 25;
// One form for the whole table; each row's "Require 2FA" button submits it with its user's id.
// ("Stop requiring" weakens the account: it steps up in the dialog, or on a page of its own.)
const REQUIRE_FORM = 'require-2fa';
// Likewise one form for every invited row's "Resend invitation" (it only mails the invitee: no step-up).
const RESEND_FORM = 'resend-invitation';
// Notices after changes name their user by id (looked up in the admin's organization), never by text from the URL (AdminUsers.notices.*).
const USER_NOTICES = ['reset', 'not-required', 'deactivated', 'reactivated', 'invited', 'added', 'resent', 'signed-out'] as const;
// After a revoked invitation the user is gone: a notice without a name.
const PLAIN_NOTICES = ['revoked'] as const;
const statusBadge: Record<AccountStatus, string> = {
  active: 'bg-green-100 text-green-900 dark:bg-green-950 dark:text-green-100',
  invited: 'bg-blue-100 text-blue-900 dark:bg-blue-950 dark:text-blue-100',
  deactivated: 'bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-100',
};
const stateBadge: Record<TwoFactorState, string> = {
  enabled: 'bg-green-100 text-green-900 dark:bg-green-950 dark:text-green-100',
  not_set_up: 'bg-slate-200 text-slate-900 dark:bg-slate-800 dark:text-slate-100',
  required: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-100',
  sso: 'bg-blue-100 text-blue-900 dark:bg-blue-950 dark:text-blue-100',
};

type Translate = Awaited<ReturnType<typeof getTranslations<'AdminUsers'>>>;

/**
 * Under a "Required, not set up" badge: the user's deadline while in grace, or that it has passed.
 * A plain component given the page's translator: an async one in each of the table's rows is a
 * suspended component for React to serialize apart, 25 times a page.
 */
function GraceNote({ standing, locale, t }: { standing: GraceStanding; locale: Locale; t: Translate }) {
  if (standing.kind === 'grace') {
    const deadline = formatDeadline(standing.deadline, 'medium', locale);
    return <span className="mt-1 block text-xs">{t.rich('graceDue', { deadline, time: (chunks) => <time dateTime={new Date(standing.deadline).toISOString()}>{chunks}</time> })}</span>;
  }
  if (standing.kind === 'unstarted') return <span className="mt-1 block text-xs">{t('graceUnstarted')}</span>;
  if (standing.kind === 'due' && standing.deadline !== null) return <span className="mt-1 block text-xs font-semibold text-red-800 dark:text-red-300">{t('overdue')}</span>;
  return null;
}

const COLUMNS = ['name', 'email', 'role', 'status', 'method', 'twoFactor', 'secondFactors', 'recoveryCodes', 'lastSignIn', 'last2fa', 'actions'] as const;

export default async function UsersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const current = await requireAdmin();
  const { user: me, org } = current;
  const t = await getTranslations('AdminUsers');
  const rawLocale = await getLocale();
  const locale: Locale = isLocale(rawLocale) ? rawLocale : 'en';
  const date = (ms: number | null) => (ms === null ? '—' : formatCompactDateTime(ms, locale));
  const words = translatorFor(locale);
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
  const notice = await userNotice(org.id, raw, t);
  return (
    <section className="space-y-4" aria-labelledby="users-heading">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="users-heading" className="text-xl font-semibold">{t('heading')}</h2>
        <Link href="/admin/users/new" className="btn-primary no-underline">{t('addUser')}</Link>
      </div>
      <AdoptionSummary org={org} />
      {notice ? <p role="status" className="rounded-md border border-green-300 bg-green-50 p-3 text-green-900 dark:border-green-800 dark:bg-green-950 dark:text-green-100">{notice}</p> : null}
      {/* Keyed by the filters: a link to another filter (the adoption counts) shows it in the selects, with JavaScript too. */}
      <form key={[query.q, query.state, query.method, query.status, query.sort, query.dir].join('|')} method="get" action="/admin/users" className="flex flex-wrap items-end gap-3" role="search">
        <div>
          <label htmlFor="q" className="block text-sm font-medium">{t('search')}</label>
          <input id="q" name="q" defaultValue={query.q} className="input" placeholder={t('searchPlaceholder')} />
        </div>
        <div>
          <label htmlFor="state" className="block text-sm font-medium">{t('filterState')}</label>
          <select id="state" name="state" defaultValue={query.state ?? ''} className="input">
            <option value="">{t('any')}</option>
            {TWO_FACTOR_STATES.map((s) => <option key={s} value={s}>{t(`state.${s}`)}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="method" className="block text-sm font-medium">{t('filterMethod')}</label>
          <select id="method" name="method" defaultValue={query.method ?? ''} className="input">
            <option value="">{t('any')}</option>
            <option value="password">{t('password')}</option>
            <option value="sso">{t('sso')}</option>
          </select>
        </div>
        <div>
          <label htmlFor="status" className="block text-sm font-medium">{t('filterStatus')}</label>
          <select id="status" name="status" defaultValue={query.status ?? ''} className="input">
            <option value="">{t('any')}</option>
            {ACCOUNT_STATUSES.map((s) => <option key={s} value={s}>{t(`status.${s}`)}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="sort" className="block text-sm font-medium">{t('sortBy')}</label>
          <select id="sort" name="sort" defaultValue={query.sort} className="input">
            <option value="name">{t('sortName')}</option>
            <option value="email">{t('sortEmail')}</option>
          </select>
        </div>
        <div>
          <label htmlFor="dir" className="block text-sm font-medium">{t('order')}</label>
          <select id="dir" name="dir" defaultValue={query.dir} className="input">
            <option value="asc">{t('asc')}</option>
            <option value="desc">{t('desc')}</option>
          </select>
        </div>
        <button type="submit" className="btn-primary">{t('apply')}</button>
        <Link href="/admin/users" className="btn-secondary no-underline">{t('clear')}</Link>
      </form>
      <p>
        {/* A download, not a page: a plain link (prefetching it would export, and audit, on hover). The table's filters and order, not its page. */}
        <a href={link({}, '/admin/users/export.csv')} className="btn-secondary no-underline" download>{t(filtered ? 'downloadCsvFiltered' : 'downloadCsv')}</a>
      </p>
      <ActionForm id={REQUIRE_FORM} action={setTwoFactorRequiredAction}>
        <input type="hidden" name="required" value="on" />
      </ActionForm>
      <ActionForm id={RESEND_FORM} action={resendInvitationAction} />
      {rows.length === 0 ? (
        <p className="card">{t('noMatch')} <Link href="/admin/users">{t('showAll')}</Link></p>
      ) : (
        <ResetDialogProvider needsCode={stepUpNeedsCode(current)} factors={stepUpFactors(current)}>
          <div tabIndex={0} role="region" aria-label={t('tableLabel')} className="overflow-x-auto rounded-xl border border-slate-200 dark:border-slate-800">
            <table className="min-w-full divide-y divide-slate-200 bg-white text-sm dark:divide-slate-800 dark:bg-slate-900">
              <thead>
                <tr className="text-left">
                  <th scope="col" className="px-3 py-2 font-semibold">{t('columns.select')}</th>
                  {COLUMNS.map((h) => <th key={h} scope="col" className="px-3 py-2 font-semibold">{t(`columns.${h}`)}</th>)}
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
                        {u.id === me.id ? null : <input type="checkbox" name="userIds" value={u.id} form={BULK_REQUIRE_FORM} aria-label={t('selectUser', { name: u.name })} className="h-4 w-4" />}
                      </td>
                      <th scope="row" className="px-3 py-2 text-left font-medium">{u.name}</th>
                      <td className="px-3 py-2">{u.email}</td>
                      <td className="px-3 py-2">{t(u.role === 'admin' ? 'admin' : 'member')}</td>
                      <td className="px-3 py-2"><span className={`rounded-full px-2 py-0.5 text-xs font-medium ${statusBadge[status]}`}>{t(`status.${status}`)}</span></td>
                      <td className="px-3 py-2">{t(u.signInMethod === 'sso' ? 'sso' : 'password')}</td>
                      <td className="px-3 py-2"><span className={`rounded-full px-2 py-0.5 text-xs font-medium ${stateBadge[state]}`}>{t(`state.${state}`)}</span>{u.twoFactorRequired && state === 'enabled' ? <span className="ml-1 text-xs">{t('requiredNote')}</span> : null}{isSecondFactorSuspended(u.secondFactorFailures) ? <span className="ml-1 rounded-full bg-red-100 px-2 py-0.5 text-xs font-medium text-red-900 dark:bg-red-950 dark:text-red-100">{t('locked')}</span> : null}<GraceNote standing={grace} locale={locale} t={t} /></td>
                      <td className="px-3 py-2" data-testid="second-factors">{describeSecondFactors(u, words) ?? '—'}</td>
                      <td className="px-3 py-2">{hasSecondFactor(u) ? u.recoveryCodesLeft : '—'}</td>
                      <td className="px-3 py-2">{date(u.lastSignInAt)}</td>
                      <td className="px-3 py-2">{date(u.totpLastUsedAt)}</td>
                      <td className="px-3 py-2">
                        {u.id === me.id ? (
                          <div className="flex flex-wrap items-center gap-2">
                            <span>{t('ownRow')}</span>
                            <SignOutEverywhereLink {...target} />
                          </div>
                        ) : status === 'deactivated' ? (
                          <ReactivateLink {...target} />
                        ) : status === 'invited' ? (
                          <div className="flex flex-wrap items-center gap-2">
                            <button type="submit" form={RESEND_FORM} name="userId" value={u.id} className="btn-secondary py-1" aria-label={t('resendLabel', { name: u.name })}>
                              {t('resend')}
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
                                  <button type="submit" form={REQUIRE_FORM} name="userId" value={u.id} className="btn-secondary py-1" aria-label={t('requireLabel', { name: u.name })}>
                                    {t('require')}
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
      <nav aria-label={t('pages')} className="flex flex-wrap gap-4">
        {hasPrevious ? <Link href={link({})}>{t('firstPage')}</Link> : null}
        {hasPrevious && first ? <Link href={link({ before: keyOf(first) })}>{t('previousPage')}</Link> : null}
        {hasNext && last ? <Link href={link({ after: keyOf(last) })}>{t('nextPage')}</Link> : null}
        {hasNext ? <Link href={link({ page: 'last' })}>{t('lastPage')}</Link> : null}
      </nav>
    </section>
  );
}

async function userNotice(orgId: number, raw: SearchParams, t: Translate): Promise<string | null> {
  const { notice, user } = firstValues(raw);
  const isOne = <K extends string>(keys: readonly K[], value: string | undefined): value is K => value !== undefined && (keys as readonly string[]).includes(value);
  if (isOne(PLAIN_NOTICES, notice)) return t(`notices.${notice}`);
  if (!isOne(USER_NOTICES, notice) || !user || !/^[1-9][0-9]{0,15}$/.test(user)) return null;
  const target = await orgUser(orgId, Number(user));
  return target ? t(`notices.${notice}`, { name: target.name }) : null;
}
