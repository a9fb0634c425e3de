import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { currentChallenge } from '@/lib/auth/challenge-cookie';
import { secondFactorsOf } from '@/lib/auth/second-factor';
import { trustSetting } from '@/lib/auth/trusted-browsers';
import { findUserById } from '@/lib/accounts/users';
import { CancelSignIn } from '../cancel-sign-in';
import { SecurityKeyButton } from '../security-key-button';
import { keyOptionsAction, verifyCodeAction, verifyKeyAction } from './actions';
import { TrustBrowserField } from './trust-browser-field';
import { VerifyForm } from './verify-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('Metadata'))('verify') };
}

type Way = 'key' | 'code' | 'recovery';

/** The way asked for, if the user has it; else their key first, then their app. */
function chosenWay(asked: unknown, factors: { app: boolean; keys: number }): Way {
  if (asked === 'recovery') return 'recovery';
  if (asked === 'code' && factors.app) return 'code';
  if (asked === 'key' && factors.keys > 0) return 'key';
  return factors.keys > 0 ? 'key' : factors.app ? 'code' : 'recovery';
}

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
  const t = await getTranslations('Verify');
  const others = [
    way !== 'key' && factors.keys > 0 ? { href: '/login/verify?method=key', text: t('useKey') } : null,
    way !== 'code' && factors.app ? { href: '/login/verify?method=code', text: way === 'recovery' ? t('useAppInstead') : t('useApp') } : null,
    way !== 'recovery' ? { href: '/login/verify?method=recovery', text: t('useRecoveryCode') } : null,
  ].filter((link) => link !== null);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t('heading')}</h1>
      <p>{t(`intro.${way}`)}</p>
      {way === 'key' ? (
        <SecurityKeyButton label={t('useKey')} optionsAction={keyOptionsAction} action={verifyKeyAction}>
          {trustDays !== null ? <TrustBrowserField id="trust-key" days={trustDays} /> : null}
        </SecurityKeyButton>
      ) : (
        <VerifyForm key={way} action={verifyCodeAction} recovery={way === 'recovery'} trustDays={trustDays} />
      )}
      {others.length ? (
        <ul className="space-y-1 text-sm" aria-label={t('otherWays')}>
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
