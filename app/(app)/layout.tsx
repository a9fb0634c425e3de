import Link from 'next/link';
import type { ReactNode } from 'react';
import { getLocale, getTranslations } from 'next-intl/server';
import { currentSession } from '@/lib/auth/current';
import { formatDeadline } from '@/lib/auth/policy';
import { config } from '@/lib/config';
import { isLocale } from '@/lib/i18n/locales';
import { signOutAction } from './actions';

// Each page checks the session itself (layouts do not guard pages); this only draws the frame.
export default async function AppLayout({ children }: { children: ReactNode }) {
  const current = await currentSession();
  const t = await getTranslations('Layout');
  return (
    <>
      <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <nav aria-label={t('mainNav')} className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <Link href="/" className="font-semibold text-slate-900 no-underline dark:text-slate-100">
            {config().appName}
          </Link>
          {current ? (
            <>
              <Link href="/profile/2fa">{t('profile')}</Link>
              {current.user.role === 'admin' ? <Link href="/admin/users">{t('administration')}</Link> : null}
              <form action={signOutAction} className="ml-auto">
                <button type="submit" className="btn-secondary py-1">
                  {t('signOut')}
                </button>
              </form>
            </>
          ) : null}
        </nav>
      </header>
      {current?.graceDeadline ? <GraceBanner deadline={current.graceDeadline} /> : null}
      <main className="mx-auto max-w-5xl px-4 py-8">{children}</main>
    </>
  );
}

/**
 * For a user inside their grace period for required 2FA, on every page: a named region (not an alert:
 * it would interrupt on every page load), with the deadline in UTC and the way to the 2FA tab.
 */
async function GraceBanner({ deadline }: { deadline: number }) {
  const t = await getTranslations('Layout');
  const locale = await getLocale();
  const date = formatDeadline(deadline, 'long', isLocale(locale) ? locale : 'en');
  return (
    <section aria-label={t('graceRegion')} className="border-b border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-50">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3">
        <p>
          {t.rich('graceText', { deadline: date, time: (chunks) => <time dateTime={new Date(deadline).toISOString()}>{chunks}</time> })}
        </p>
        <Link href="/profile/2fa" className="font-medium text-amber-950 underline dark:text-amber-50">{t('graceLink')}</Link>
      </div>
    </section>
  );
}
