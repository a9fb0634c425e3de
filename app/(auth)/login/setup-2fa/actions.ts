'use server';

import { redirect } from 'next/navigation';
import { writeTransaction } from '@/db';
import { publicAction, type ActionState } from '@/lib/action';
import { audit } from '@/lib/audit';
import { findUserById } from '@/lib/accounts/users';
import { markChallengeReady } from '@/lib/auth/challenge';
import { clearChallengeCookie, currentChallenge, setChallengeCookie } from '@/lib/auth/challenge-cookie';
import { confirmEnrollment } from '@/lib/auth/enrollment';
import { SETUP_SUPERSEDED, wrongCodeMessage } from '@/lib/auth/messages';
import { finishSignIn } from '@/lib/auth/sign-in';
import { confirmCodeSchema, continueSignInSchema } from '@/lib/validation/forms';

export const confirmSetupAction = publicAction(confirmCodeSchema, async ({ code }, { ip }): Promise<ActionState> => {
  const challenge = await currentChallenge('setup');
  if (!challenge) redirect('/login?notice=expired');
  const user = (await findUserById(challenge.userId))!;
  const result = await confirmEnrollment(user.id, code, {
    owner: { challengeToken: challenge.token },
    audit: { orgId: user.orgId, actor: { kind: 'user', userId: user.id }, targetUserId: user.id, ip },
  });
  if (result.ok) {
    if (result.challengeToken) await setChallengeCookie(result.challengeToken, 'setup');
    return { codes: result.codes, ok: 'Setup.turnedOn' };
  }
  if (result.reason === 'invalid') {
    const message = wrongCodeMessage(result.drift);
    return { error: message, fieldErrors: { code: [message] } };
  }
  if (result.reason === 'superseded') return { error: SETUP_SUPERSEDED };
  redirect('/login?notice=expired');
});

export const continueSignInAction = publicAction(continueSignInSchema, async (_input, { ip }): Promise<ActionState> => {
  const challenge = await currentChallenge('setup');
  if (!challenge) redirect('/login?notice=expired');
  // Only after the enrollment step verified a code does the session start.
  if (challenge.secondFactorAt === null) redirect('/login/setup-2fa');
  const user = (await findUserById(challenge.userId))!;
  const { secondFactorAt } = challenge;
  const ready = await writeTransaction(async (tx) => {
    const next = await markChallengeReady(tx, challenge.token, secondFactorAt, challenge.secondFactor);
    if (next) await audit(tx, { orgId: user.orgId, actor: { kind: 'user', userId: user.id }, targetUserId: user.id, action: 'sign_in', detail: { method: 'password', secondFactor: 'setup' }, ip });
    return next;
  });
  if (!ready) redirect('/login?notice=expired');
  await clearChallengeCookie();
  return finishSignIn(ready, challenge.callbackUrl ?? '/');
});
