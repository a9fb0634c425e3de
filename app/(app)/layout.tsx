import Link from 'next/link';
import type { ReactNode } from 'react';
import { currentSession } from '@/lib/auth/current';
import { formatDeadline } from '@/lib/auth/policy';
import { config } from '@/lib/config';
import { signOutAction } from './actions';

// Each page checks the session itself (layouts do not guard pages); this only draws the frame.
export default async function AppLayout({ children }: { children: ReactNode }) {
  const current = await currentSession();
  return (
    <>
      <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <nav aria-label="Main" className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <Link href="/" className="font-semibold text-slate-900 no-underline dark:text-slate-100">
            {config().appName}
          </Link>
          {current ? (
            <>
              <Link href="/profile/2fa">Profile</Link>
              {current.user.role === 'admin' ? <Link href="/admin/users">Administration</Link> : null}
              <form action={signOutAction} className="ml-auto">
                <button type="submit" className="btn-secondary py-1">
                  Sign out
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
function GraceBanner({ deadline }: { deadline: number }) {
  return (
    <section aria-label="Two-factor authentication reminder" className="border-b border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-50">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3">
        <p>
          Your organization requires two-factor authentication. Set it up by <time dateTime={new Date(deadline).toISOString()}>{formatDeadline(deadline)}</time>.
        </p>
        <Link href="/profile/2fa" className="font-medium text-amber-950 underline dark:text-amber-50">Set up two-factor authentication</Link>
      </div>
    </section>
  );
}
