import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { currentChallenge } from '@/lib/auth/challenge-cookie';
import { secondFactorsOf } from '@/lib/auth/second-factor';
import { trustSetting } from '@/lib/auth/trusted-browsers';
import { findUserById } from '@/lib/accounts/users';
import { CancelSignIn } from '../cancel-sign-in';
import { SecurityKeyButton } from '../security-key-button';
import { keyOptionsAction, verifyCodeAction, verifyKeyAction } from './actions';
import { TrustBrowserField } from './trust-browser-field';
import { VerifyForm } from './verify-form';

export const metadata: Metadata = { title: 'Two-factor authentication' };

type Way = 'key' | 'code' | 'recovery';

/** The way asked for, if the user has it; else their key first, then their app. */
function chosenWay(asked: unknown, factors: { app: boolean; keys: number }): Way {
  if (asked === 'recovery') return 'recovery';
  if (asked === 'code' && factors.app) return 'code';
  if (asked === 'key' && factors.keys > 0) return 'key';
  return factors.keys > 0 ? 'key' : factors.app ? 'code' : 'recovery';
}

const intro: Record<Way, string> = {
  key: 'Use the security key or passkey you added to this account.',
  code: 'Open your authenticator app and enter the 6-digit code it shows for this account.',
  recovery: 'Enter one of the recovery codes you saved when you set up 2FA. Each code works once.',
};

export default async function VerifyPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  // Only a pending `verify` challenge opens this step.
  const challenge = await currentChallenge('verify');
  if (!challenge) redirect('/login?notice=expired');
  const factors = await secondFactorsOf(challenge.userId);
  const way = chosenWay((await searchParams).method, factors);
  // "Trust this browser" when the organization allows it: with an app code or a key, never a recovery code.
  const user = await findUserById(challenge.userId);
  const trust = user ? await trustSetting(user.orgId) : null;
  const trustDays = trust?.allowed && way !== 'recovery' ? trust.days : null;
  const others = [
    way !== 'key' && factors.keys > 0 ? { href: '/login/verify?method=key', text: 'Use your security key' } : null,
    way !== 'code' && factors.app ? { href: '/login/verify?method=code', text: way === 'recovery' ? 'Use your authenticator app instead' : 'Use an authenticator app' } : null,
    way !== 'recovery' ? { href: '/login/verify?method=recovery', text: 'Use a recovery code' } : null,
  ].filter((link) => link !== null);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Two-factor authentication</h1>
      <p>{intro[way]}</p>
      {way === 'key' ? (
        <SecurityKeyButton label="Use your security key" optionsAction={keyOptionsAction} action={verifyKeyAction}>
          {trustDays !== null ? <TrustBrowserField id="trust-key" days={trustDays} /> : null}
        </SecurityKeyButton>
      ) : (
        <VerifyForm key={way} action={verifyCodeAction} recovery={way === 'recovery'} trustDays={trustDays} />
      )}
      {others.length ? (
        <ul className="space-y-1 text-sm" aria-label="Other ways to sign in">
          {others.map((link) => (
            <li key={link.href}>
              <Link href={link.href}>{link.text}</Link>
            </li>
          ))}
        </ul>
      ) : null}
      <CancelSignIn />
    </div>
  );
}
