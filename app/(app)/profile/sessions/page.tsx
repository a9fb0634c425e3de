import type { Metadata } from 'next';
import { getLocale, getTranslations } from 'next-intl/server';
import { ActionForm } from '@/app/_components/action-form';
import type { SecondFactorKind, SessionMethod } from '@/db/schema';
import { requireSession } from '@/lib/auth/current';
import { listSessions, type DeviceSession } from '@/lib/auth/devices';
import { tokenDigest } from '@/lib/auth/tokens';
import { currentTrustToken } from '@/lib/auth/trust-cookie';
import { listTrustedBrowsers } from '@/lib/auth/trusted-browsers';
import { deviceLabel } from '@/lib/auth/user-agent';
import { isLocale, type Locale } from '@/lib/i18n/locales';
import { formatCompactDateTime } from '@/lib/i18n/utc-times';
import { firstValues, type SearchParams } from '@/lib/validation/search-params';
import { signOutAction } from '../../actions';
import { endOtherSessionsAction, endSessionAction } from './actions';
import { TrustedBrowsers } from './trusted-browsers';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('Devices'))('title') };
}

// One form for every other session's "Sign out": each row's button submits it with its session's key.
const END_FORM = 'end-session';

const NOTICES = new Set(['ended', 'others-ended', 'no-others']);

/** The key (Devices.factor) of how a session passed the second step. */
function secondFactorOf(session: DeviceSession): `factor.${SecondFactorKind | 'passkey' | 'sso' | 'verified' | 'none'}` {
  if (session.secondFactor) return `factor.${session.secondFactor}`;
  if (session.method === 'passkey') return 'factor.passkey';
  if (session.method === 'sso') return 'factor.sso';
  // Verified, but not recorded which (a session from before this was recorded): never "None".
  if (session.secondFactorAt !== null) return 'factor.verified';
  return 'factor.none';
}

const methodKey = (method: SessionMethod) => `method.${method}` as const;

export default async function SessionsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const current = await requireSession();
  const rows = await listSessions(current.user.id, current.sessionId);
  const { notice } = firstValues(await searchParams);
  const t = await getTranslations('Devices');
  const asked = await getLocale();
  const locale: Locale = isLocale(asked) ? asked : 'en';
  const utc = (ms: number) => formatCompactDateTime(ms, locale);
  const Time = ({ ms }: { ms: number }) => <time dateTime={new Date(ms).toISOString()}>{utc(ms)}</time>;
  const message = notice && NOTICES.has(notice) ? t(`notices.${notice}`) : null;
  const others = rows.filter((row) => !row.current).length;
  const token = await currentTrustToken();
  return (
    <div className="space-y-6">
    <section className="card space-y-4" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading" className="text-xl font-semibold">{t('heading')}</h2>
      <p>{t('intro')}</p>
      {message ? <p role="status" className="rounded-md border border-green-300 bg-green-50 p-3 text-green-900 dark:border-green-800 dark:bg-green-950 dark:text-green-100">{message}</p> : null}
      <ActionForm id={END_FORM} action={endSessionAction} />
      <ul className="divide-y divide-slate-200 dark:divide-slate-800" aria-label={t('listLabel')}>
        {rows.map((row) => {
          const label = deviceLabel(row.userAgent);
          const signedIn = utc(row.createdAt);
          return (
            <li key={row.id} className="space-y-2 py-4" data-testid="session">
              <h3 className="flex flex-wrap items-center gap-2 text-lg font-semibold">
                {label}
                {row.current ? <span className="rounded-full bg-blue-100 px-2 py-0.5 text-xs font-medium text-blue-900 dark:bg-blue-950 dark:text-blue-100">{t('thisBrowser')}</span> : null}
              </h3>
              <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
                <dt className="font-medium">{t('signedInWith')}</dt>
                <dd>{t(methodKey(row.method))}</dd>
                <dt className="font-medium">{t('secondFactor')}</dt>
                <dd>{t(secondFactorOf(row))}</dd>
                <dt className="font-medium">{t('address')}</dt>
                <dd>{row.clientAddress && row.clientAddress !== 'unknown' ? row.clientAddress : t('unknownAddress')}</dd>
                <dt className="font-medium">{t('signedIn')}</dt>
                <dd><Time ms={row.createdAt} /></dd>
                <dt className="font-medium">{t('lastActive')}</dt>
                <dd><Time ms={row.lastSeenAt} /></dd>
              </dl>
              {row.current ? (
                // This browser signs out as the header's button does.
                <form action={signOutAction}>
                  <button type="submit" className="btn-secondary py-1" aria-label={t('signOutThisLabel', { label, time: signedIn })}>{t('signOut')}</button>
                </form>
              ) : (
                <button type="submit" form={END_FORM} name="session" value={row.id} className="btn-secondary py-1" aria-label={t('signOutLabel', { label, time: signedIn })}>
                  {t('signOut')}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {others > 0 ? (
        <ActionForm action={endOtherSessionsAction}>
          <button type="submit" className="btn-danger">{t('signOutOthers')}</button>
        </ActionForm>
      ) : (
        <p>{t('noOthers')}</p>
      )}
    </section>
      <TrustedBrowsers rows={await listTrustedBrowsers(current.user.id)} thisBrowser={token ? tokenDigest(token) : null} removed={notice === 'trust-removed'} locale={locale} />
    </div>
  );
}
