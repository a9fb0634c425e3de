import { getTranslations } from 'next-intl/server';
import { ActionForm } from '@/app/_components/action-form';
import { SubmitButton } from '@/app/_components/form';
import type { TrustedBrowserRow } from '@/lib/auth/trusted-browsers';
import { deviceLabel } from '@/lib/auth/user-agent';
import type { Locale } from '@/lib/i18n/locales';
import { formatDateTime } from '@/lib/i18n/utc-times';
import { removeTrustedBrowserAction } from './trust-actions';

/**
 * "Trusted browsers" on the Devices tab (#17): the browsers that skip the second step, with when each
 * was trusted, when that ends and when it was last used, and "Remove" for each. `thisBrowser`: the
 * row of the browser looking at the page, if it is one of them.
 */
export async function TrustedBrowsers({ rows, thisBrowser, removed, locale }: { rows: TrustedBrowserRow[]; thisBrowser: string | null; removed: boolean; locale: Locale }) {
  const t = await getTranslations('Devices.trusted');
  const formatDate = (ms: number) => formatDateTime(ms, locale);
  return (
    <section className="card space-y-4" aria-labelledby="trusted-browsers-heading">
      <h2 id="trusted-browsers-heading" className="text-xl font-semibold">{t('heading')}</h2>
      <p>{t('intro')}</p>
      <div role="status">{removed ? <p className="rounded-md bg-green-50 p-3 text-green-900 dark:bg-green-950 dark:text-green-100">{t('removed')}</p> : null}</div>
      {rows.length === 0 ? (
        <p>{t('none')}</p>
      ) : (
        <ul className="space-y-3" aria-label={t('listLabel')}>
          {rows.map((row) => {
            const label = deviceLabel(row.userAgent);
            const current = row.id === thisBrowser;
            return (
              <li key={row.id} className="rounded-md border border-slate-300 p-3 dark:border-slate-700">
                <p className="font-medium break-words">
                  {label}
                  {current ? <span className="ml-2 text-sm font-normal">{t('thisBrowser')}</span> : null}
                </p>
                <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 text-sm">
                  <dt>{t('added')}</dt>
                  <dd>{row.clientAddress ? t('addedFrom', { date: formatDate(row.createdAt), address: row.clientAddress }) : formatDate(row.createdAt)}</dd>
                  <dt>{t('expires')}</dt>
                  <dd>{formatDate(row.expiresAt)}</dd>
                  <dt>{t('lastUsed')}</dt>
                  <dd>{row.lastUsedAt ? formatDate(row.lastUsedAt) : t('notYet')}</dd>
                </dl>
                <ActionForm action={removeTrustedBrowserAction} className="mt-2">
                  <input type="hidden" name="id" value={row.id} />
                  <SubmitButton className="btn-secondary">
                    {t('remove')}
                    <span className="sr-only"> {current ? t('removeThis', { date: formatDate(row.createdAt) }) : t('removeOther', { label, date: formatDate(row.createdAt) })}</span>
                  </SubmitButton>
                </ActionForm>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
