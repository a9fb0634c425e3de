import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { currentChallenge } from '@/lib/auth/challenge-cookie';
import { CancelSignIn } from '../cancel-sign-in';
import { verifyCodeAction } from './actions';
import { VerifyForm } from './verify-form';

export const metadata: Metadata = { title: 'Two-factor authentication' };

export default async function VerifyPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  // Only a pending `verify` challenge opens this step.
  if (!(await currentChallenge('verify'))) redirect('/login?notice=expired');
  const recovery = (await searchParams).method === 'recovery';
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Two-factor authentication</h1>
      <p>{recovery ? 'Enter one of the recovery codes you saved when you set up 2FA. Each code works once.' : 'Open your authenticator app and enter the 6-digit code it shows for this account.'}</p>
      <VerifyForm key={recovery ? 'recovery' : 'code'} action={verifyCodeAction} recovery={recovery} />
      <CancelSignIn />
    </div>
  );
}
