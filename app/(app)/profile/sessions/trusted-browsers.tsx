import { ActionForm } from '@/app/_components/action-form';
import { SubmitButton } from '@/app/_components/form';
import type { TrustedBrowserRow } from '@/lib/auth/trusted-browsers';
import { deviceLabel } from '@/lib/auth/user-agent';
import { removeTrustedBrowserAction } from './trust-actions';

const formatDate = (ms: number) => new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(ms) + ' UTC';

/**
 * "Trusted browsers" on the Devices tab (#17): the browsers that skip the second step, with when each
 * was trusted, when that ends and when it was last used, and "Remove" for each. `thisBrowser`: the
 * row of the browser looking at the page, if it is one of them.
 */
export function TrustedBrowsers({ rows, thisBrowser, removed }: { rows: TrustedBrowserRow[]; thisBrowser: string | null; removed: boolean }) {
  return (
    <section className="card space-y-4" aria-labelledby="trusted-browsers-heading">
      <h2 id="trusted-browsers-heading" className="text-xl font-semibold">Trusted browsers</h2>
      <p>These browsers ask only for your password when you sign in, until the date shown. Changing your password or two-factor settings ends them all.</p>
      <div role="status">{removed ? <p className="rounded-md bg-green-50 p-3 text-green-900 dark:bg-green-950 dark:text-green-100">The browser was removed. It will ask for your second step again.</p> : null}</div>
      {rows.length === 0 ? (
        <p>No browser is trusted.</p>
      ) : (
        <ul className="space-y-3" aria-label="Trusted browsers">
          {rows.map((row) => {
            const label = deviceLabel(row.userAgent);
            const current = row.id === thisBrowser;
            return (
              <li key={row.id} className="rounded-md border border-slate-300 p-3 dark:border-slate-700">
                <p className="font-medium break-words">
                  {label}
                  {current ? <span className="ml-2 text-sm font-normal">(this browser)</span> : null}
                </p>
                <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 text-sm">
                  <dt>Added</dt>
                  <dd>{formatDate(row.createdAt)}{row.clientAddress ? ` from ${row.clientAddress}` : ''}</dd>
                  <dt>Expires</dt>
                  <dd>{formatDate(row.expiresAt)}</dd>
                  <dt>Last used</dt>
                  <dd>{row.lastUsedAt ? formatDate(row.lastUsedAt) : 'Not yet'}</dd>
                </dl>
                <ActionForm action={removeTrustedBrowserAction} className="mt-2">
                  <input type="hidden" name="id" value={row.id} />
                  <SubmitButton className="btn-secondary">
                    Remove<span className="sr-only">{` ${current ? 'this browser' : label}, trusted ${formatDate(row.createdAt)}`}</span>
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
