import type { Metadata } from 'next';
import { ActionForm } from '@/app/_components/action-form';
import type { SecondFactorKind, SessionMethod } from '@/db/schema';
import { requireSession } from '@/lib/auth/current';
import { listSessions, type DeviceSession } from '@/lib/auth/devices';
import { tokenDigest } from '@/lib/auth/tokens';
import { currentTrustToken } from '@/lib/auth/trust-cookie';
import { listTrustedBrowsers } from '@/lib/auth/trusted-browsers';
import { deviceLabel } from '@/lib/auth/user-agent';
import { firstValues, type SearchParams } from '@/lib/validation/search-params';
import { signOutAction } from '../../actions';
import { endOtherSessionsAction, endSessionAction } from './actions';
import { TrustedBrowsers } from './trusted-browsers';

export const metadata: Metadata = { title: 'Devices' };

// One form for every other session's "Sign out": each row's button submits it with its session's key.
const END_FORM = 'end-session';

const notices: Record<string, string> = {
  ended: 'That session was signed out. Whoever used it has to sign in again.',
  'others-ended': 'You were signed out everywhere else. This browser stays signed in.',
  'no-others': 'No other session was open, so nothing changed.',
};
const methodLabel: Record<SessionMethod, string> = { password: 'Password', sso: 'SSO', passkey: 'Passkey' };
const factorLabel: Record<SecondFactorKind, string> = { totp: 'Authenticator app', webauthn: 'Security key', recovery_code: 'Recovery code', trusted_browser: 'Trusted browser' };

function secondFactorOf(session: DeviceSession): string {
  if (session.secondFactor) return factorLabel[session.secondFactor];
  if (session.method === 'passkey') return 'The passkey itself';
  if (session.method === 'sso') return 'Handled by the identity provider';
  return 'None';
}

const utc = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
const Time = ({ ms }: { ms: number }) => <time dateTime={new Date(ms).toISOString()}>{utc(ms)}</time>;

export default async function SessionsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const current = await requireSession();
  const rows = await listSessions(current.user.id, current.sessionId);
  const { notice } = firstValues(await searchParams);
  const message = notice && Object.hasOwn(notices, notice) ? notices[notice] : null;
  const others = rows.filter((row) => !row.current).length;
  const token = await currentTrustToken();
  return (
    <div className="space-y-6">
    <section className="card space-y-4" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading" className="text-xl font-semibold">Devices</h2>
      <p>The browsers signed in to your account now. If you don&apos;t recognise one, sign it out and change your password.</p>
      {message ? <p role="status" className="rounded-md border border-green-300 bg-green-50 p-3 text-green-900 dark:border-green-800 dark:bg-green-950 dark:text-green-100">{message}</p> : null}
      <ActionForm id={END_FORM} action={endSessionAction} />
      <ul className="divide-y divide-slate-200 dark:divide-slate-800" aria-label="Signed-in sessions">
        {rows.map((row) => {
          const label = deviceLabel(row.userAgent);
          const signedIn = utc(row.createdAt);
          return (
            <li key={row.id} className="space-y-2 py-4" data-testid="session">
              <h3 className="flex flex-wrap items-center gap-2 text-lg font-semibold">
                {label}
                {row.current ? <span className="rounded-full bg-blue-100 px-2 py-0.5 text-xs font-medium text-blue-900 dark:bg-blue-950 dark:text-blue-100">This browser</span> : null}
              </h3>
              <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
                <dt className="font-medium">Signed in with</dt>
                <dd>{methodLabel[row.method]}</dd>
                <dt className="font-medium">Second factor</dt>
                <dd>{secondFactorOf(row)}</dd>
                <dt className="font-medium">Address</dt>
                <dd>{row.clientAddress && row.clientAddress !== 'unknown' ? row.clientAddress : 'Unknown'}</dd>
                <dt className="font-medium">Signed in</dt>
                <dd><Time ms={row.createdAt} /></dd>
                <dt className="font-medium">Last active</dt>
                <dd><Time ms={row.lastSeenAt} /></dd>
              </dl>
              {row.current ? (
                // This browser signs out as the header's button does.
                <form action={signOutAction}>
                  <button type="submit" className="btn-secondary py-1" aria-label={`Sign out this browser, ${label}, signed in ${signedIn}`}>Sign out</button>
                </form>
              ) : (
                <button type="submit" form={END_FORM} name="session" value={row.id} className="btn-secondary py-1" aria-label={`Sign out ${label}, signed in ${signedIn}`}>
                  Sign out
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {others > 0 ? (
        <ActionForm action={endOtherSessionsAction}>
          <button type="submit" className="btn-danger">Sign out everywhere else</button>
        </ActionForm>
      ) : (
        <p>No other browser is signed in.</p>
      )}
    </section>
      <TrustedBrowsers rows={await listTrustedBrowsers(current.user.id)} thisBrowser={token ? tokenDigest(token) : null} removed={notice === 'trust-removed'} />
    </div>
  );
}
