import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
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

export const metadata: Metadata = { title: 'Set up two-factor authentication' };

export default async function SetupPage() {
  // Only a pending `setup` challenge opens this step.
  const challenge = await currentChallenge('setup');
  if (!challenge) redirect('/login?notice=expired');
  const user = (await findUserById(challenge.userId))!;
  const enrolled = challenge.secondFactorAt !== null;
  const pending = enrolled ? null : await pendingEnrollment(user.id, { challengeToken: challenge.token });
  if (!enrolled && !pending) redirect('/login?notice=expired');
  if (pending && 'elsewhere' in pending) {
    return (
      <div className="space-y-6">
        <h1 className="text-2xl font-semibold">Set up two-factor authentication</h1>
        <p role="status">{SETUP_SUPERSEDED}</p>
        <CancelSignIn />
      </div>
    );
  }
  const secret = pending?.secret;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Set up two-factor authentication</h1>
      <p>Your organization requires two-factor authentication. Choose a security key or an authenticator app to finish signing in; it takes about two minutes.</p>
      <SetupSteps confirm={confirmSetupAction} proceed={continueSignInAction} keyBegin={startSetupKeyAction} keyFinish={finishSetupKeyAction} email={user.email} appName={config().appName} enrollment={secret ? <EnrollmentDetails secret={secret} email={user.email} /> : undefined} />
      <CancelSignIn />
    </div>
  );
}
