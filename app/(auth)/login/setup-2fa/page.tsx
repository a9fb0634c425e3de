import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { EnrollmentDetails } from '@/app/_components/enrollment-details';
import { findUserById } from '@/lib/accounts/users';
import { currentChallenge } from '@/lib/auth/challenge-cookie';
import { pendingEnrollment } from '@/lib/auth/enrollment';
import { config } from '@/lib/config';
import { CancelSignIn } from '../cancel-sign-in';
import { SETUP_SUPERSEDED } from '@/lib/auth/messages';
import { confirmSetupAction, continueSignInAction } from './actions';
import { finishSetupKeyAction, startSetupKeyAction } from './key-actions';
import { SetupSteps } from './setup-steps';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('Metadata'))('setup') };
}

export default async function SetupPage() {
  // Only a pending `setup` challenge opens this step.
  const challenge = await currentChallenge('setup');
  if (!challenge) redirect('/login?notice=expired');
  const user = (await findUserById(challenge.userId))!;
  const enrolled = challenge.secondFactorAt !== null;
  const pending = enrolled ? null : await pendingEnrollment(user.id, { challengeToken: challenge.token });
  if (!enrolled && !pending) redirect('/login?notice=expired');
  const t = await getTranslations();
  if (pending && 'elsewhere' in pending) {
    return (
      <div className="space-y-6">
        <h1 className="text-2xl font-semibold">{t('Setup.heading')}</h1>
        <p role="status">{t(SETUP_SUPERSEDED)}</p>
        <CancelSignIn />
      </div>
    );
  }
  const secret = pending?.secret;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t('Setup.heading')}</h1>
      <p>{t('Setup.intro')}</p>
      <SetupSteps confirm={confirmSetupAction} proceed={continueSignInAction} keyBegin={startSetupKeyAction} keyFinish={finishSetupKeyAction} email={user.email} appName={config().appName} enrollment={secret ? <EnrollmentDetails secret={secret} email={user.email} /> : undefined} />
      <CancelSignIn />
    </div>
  );
}
