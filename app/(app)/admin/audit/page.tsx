import type { Metadata } from 'next';
import { getLocale, getTranslations } from 'next-intl/server';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { auditPage, matchUsers, USER_MATCH_CAP } from '@/db/queries/audit';
import { requireAdmin } from '@/lib/auth/current';
import { describeEvent, eventTypeGroups } from '@/lib/audit-events';
import { isLocale, type Locale } from '@/lib/i18n/locales';
import { localize, translatorFor } from '@/lib/i18n/translate';
import { formatTimestamp } from '@/lib/i18n/utc-times';
import { auditFilterQuery, readAuditFilters, type AuditFilterValues, type SearchParams } from '@/lib/validation/search-params';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('AdminMetadata'))('audit') };
}

const PAGE_SIZE = 50;

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { org } = await requireAdmin();
  const filters = readAuditFilters(await searchParams);
  const rawLocale = await getLocale();
  const locale: Locale = isLocale(rawLocale) ? rawLocale : 'en';
  const t = await getTranslations('AuditLog');
  // The sentences and labels of lib/audit-events.ts, in the reader's language.
  const words = translatorFor(locale);
  const { values } = filters;
  // The filters' messages are keys (lib/validation/search-params.ts): shown in the reader's language.
  const errors: Errors = Object.fromEntries(Object.entries(filters.errors).map(([name, message]) => [name, localize(message, words)]));
  const userIds = filters.user && !errors.user ? await matchUsers(org.id, filters.user) : undefined;
  if (userIds === null) errors.user = t('tooManyUsers', { cap: USER_MATCH_CAP, user: values.user });
  const valid = Object.keys(errors).length === 0;
  const { rows, hasOlder, hasNewer } = valid
    ? await auditPage({ orgId: org.id, action: filters.type, userIds: userIds ?? undefined, from: filters.from, to: filters.to, cursor: filters.cursor, limit: PAGE_SIZE })
    : { rows: [], hasOlder: false, hasNewer: false };
  const link = (cursor?: { before: number } | { after: number }) => `/admin/audit?${auditFilterQuery(values, cursor)}`;
  const filtered = Object.values(values).some(Boolean);
  const first = rows[0];
  const last = rows[rows.length - 1];
  return (
    <section className="space-y-4" aria-labelledby="audit-heading">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="audit-heading" className="text-xl font-semibold">{t('heading')}</h2>
        {/* A download, not a page: a plain link (prefetching it would export, and audit, on hover). */}
        {valid ? <a href={`/admin/audit/export.csv?${auditFilterQuery(values)}`} className="btn-secondary no-underline" download>{t(filtered ? 'downloadCsvFiltered' : 'downloadCsv')}</a> : null}
      </div>
      <p className="text-sm text-slate-600 dark:text-slate-400">{t('intro')}</p>
      <form method="get" action="/admin/audit" className="flex flex-wrap items-start gap-3" role="search" aria-label={t('filterLabel')}>
        <FilterField name="user" label={t('user')} errors={errors}>
          <input id="user" name="user" defaultValue={values.user} className="input" {...invalid('user', errors)} />
        </FilterField>
        <FilterField name="type" label={t('type')} errors={errors}>
          <select id="type" name="type" defaultValue={errors.type ? '' : values.type} className="input" {...invalid('type', errors)}>
            <option value="">{t('any')}</option>
            {eventTypeGroups(words).map(({ group, label, types }) => (
              <optgroup key={group} label={label}>
                {types.map((type) => <option key={type.action} value={type.action}>{type.label}</option>)}
              </optgroup>
            ))}
          </select>
        </FilterField>
        <FilterField name="from" label={t('from')} errors={errors}>
          <input id="from" name="from" type="date" defaultValue={values.from} className="input" {...invalid('from', errors)} />
        </FilterField>
        <FilterField name="to" label={t('to')} errors={errors}>
          <input id="to" name="to" type="date" defaultValue={values.to} className="input" {...invalid('to', errors)} />
        </FilterField>
        <div className="flex gap-3 self-end">
          <button type="submit" className="btn-primary">{t('filter')}</button>
          <Link href="/admin/audit" className="btn-secondary no-underline">{t('clear')}</Link>
        </div>
      </form>
      {!valid ? (
        <div role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
          <p>{t('fixFilters')}</p>
          <ul className="list-disc pl-5">
            {Object.entries(errors).map(([field, message]) => <li key={field}><a href={`#${field}`}>{message}</a></li>)}
          </ul>
        </div>
      ) : rows.length === 0 ? (
        <p className="card">
          {userIds?.length === 0 ? t('noUser', { user: values.user }) : t('noEvents')} {filtered || filters.cursor ? <Link href="/admin/audit">{t('showAll')}</Link> : null}
        </p>
      ) : (
        <div tabIndex={0} role="region" aria-label={t('tableLabel')} className="rounded-xl border border-slate-200 dark:border-slate-800">
          {/* Fixed columns: a long detail wraps inside its own cell, so the address column stays on screen. */}
          <table className="w-full table-fixed divide-y divide-slate-200 bg-white text-sm dark:divide-slate-800 dark:bg-slate-900">
            <colgroup>
              <col className="w-[6.5rem]" />
              <col />
              <col className="w-[9rem]" />
              <col className="w-[9rem]" />
              <col className="w-[8.5rem]" />
            </colgroup>
            <thead>
              <tr className="text-left">{(['colTime', 'colEvent', 'colActor', 'colUser', 'colAddress'] as const).map((h) => <th key={h} scope="col" className="px-3 py-2 font-semibold">{t(h)}</th>)}</tr>
            </thead>
            <tbody className="divide-y divide-slate-200 align-top dark:divide-slate-800">
              {rows.map((e) => {
                const view = describeEvent(e, words);
                return (
                  <tr key={e.id} data-event-id={e.id}>
                    <td className="px-3 py-2"><time dateTime={new Date(e.createdAt).toISOString()}>{formatTimestamp(e.createdAt, locale)}</time></td>
                    <th scope="row" className="px-3 py-2 text-left font-normal break-words">
                      <span>{view.sentence}</span>
                      <details className="mt-1 text-xs">
                        <summary className="cursor-pointer text-slate-600 dark:text-slate-400">{t('details')}</summary>
                        <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-2">
                          <dt className="font-medium">{t('detailType')}</dt>
                          <dd className="font-mono break-all">{e.action}</dd>
                          <dt className="font-medium">{t('detailId')}</dt>
                          <dd className="font-mono">{e.id}</dd>
                          <dt className="font-medium">{t('detailDetail')}</dt>
                          <dd><pre className="font-mono break-all whitespace-pre-wrap">{Object.keys(view.detail).length ? JSON.stringify(view.detail, null, 2) : '—'}</pre></dd>
                        </dl>
                      </details>
                    </th>
                    <td className="px-3 py-2 break-words">{view.actor}</td>
                    <td className="px-3 py-2 break-words">{view.target ?? '—'}</td>
                    <td className="px-3 py-2 font-mono text-xs break-all">{e.ip ?? '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {hasNewer || hasOlder ? (
        <nav aria-label={t('pages')} className="flex gap-6">
          {hasNewer && first ? <Link href={link({ after: first.id })}>{t('newer')}</Link> : null}
          {hasOlder && last ? <Link href={link({ before: last.id })}>{t('older')}</Link> : null}
        </nav>
      ) : null}
    </section>
  );
}

type Errors = Partial<Record<keyof AuditFilterValues, string>>;

const invalid = (name: keyof AuditFilterValues, errors: Errors) => (errors[name] ? { 'aria-invalid': true, 'aria-describedby': `${name}-error` } : {});

function FilterField({ name, label, errors, children }: { name: keyof AuditFilterValues; label: string; errors: Errors; children: ReactNode }) {
  return (
    <div className="space-y-1">
      <label htmlFor={name} className="block text-sm font-medium">{label}</label>
      {children}
      {errors[name] ? <p id={`${name}-error`} className="max-w-[16rem] text-sm text-red-700 dark:text-red-400">{errors[name]}</p> : null}
    </div>
  );
}
