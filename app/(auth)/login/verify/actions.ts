'use server';

import { redirect } from 'next/navigation';
import { lockUser, writeTransaction } from '@/db';
import { publicAction, type ActionState } from '@/lib/action';
import { audit, auditAlone } from '@/lib/audit';
import { countChallengeAttempt, deleteChallenge, findChallenge, markChallengeReady } from '@/lib/auth/challenge';
import { clearChallengeCookie, currentChallenge } from '@/lib/auth/challenge-cookie';
import { lockedMessage, SECOND_FACTOR_SUSPENDED, WRONG_CODE, WRONG_RECOVERY_CODE } from '@/lib/auth/messages';
import { verifySecondFactor } from '@/lib/auth/second-factor';
import { finishSignIn } from '@/lib/auth/sign-in';
import { minutesUntil } from '@/lib/auth/throttle';
import { findUserById } from '@/lib/accounts/users';
import { config } from '@/lib/config';
import { verifyCodeSchema } from '@/lib/validation/forms';
import { markActionEntered } from '@/lib/request';

async function endChallenge(token: string, notice: string): Promise<never> {
  await writeTransaction((tx) => deleteChallenge(tx, token));
  await clearChallengeCookie();
  redirect(`/login?notice=${notice}`);
}

export const verifyCodeAction = publicAction(verifyCodeSchema, async (input, { ip }): Promise<ActionState> => {
  const challenge = await currentChallenge('verify');
  if (!challenge) redirect('/login?notice=expired');
  const user = (await findUserById(challenge.userId))!;
  const limit = config().secondFactor.challengeFailures;
  const recovery = input.method === 'recovery';
  const now = Date.now();
  // One transaction (the steps' own become savepoints of it), so one commit and one fsync: the
  // challenge's attempt and the user's are counted before the check, then the code is used, the
  // challenge becomes ready and the sign-in is audited — a crash cannot leave a used recovery code
  // that nothing records. The session follows from the ready challenge (finishSignIn), in a
  // transaction of its own, under the ready challenge's new token.
  const handoff = { token: '' };
  const step = await writeTransaction(async (tx) => {
    // The user's row first, as every change of the user takes it before the user's challenges.
    await lockUser(tx, user.id);
    // Counted before the check: parallel guesses cannot exceed the limit.
    const attempt = await countChallengeAttempt(challenge.token, limit);
    if (attempt !== 'counted') return { attempt };
    const result = await verifySecondFactor(user.id, recovery ? { recoveryCode: input.recoveryCode } : { code: input.code }, now, async (tx, accepted) => {
      const ready = await markChallengeReady(tx, challenge.token, now);
      if (!ready) return false;
      handoff.token = ready;
      await audit(tx, { orgId: user.orgId, actor: { kind: 'user', userId: user.id }, targetUserId: user.id, action: recovery ? 'sign_in.recovery_code_used' : 'sign_in', detail: { method: 'password', secondFactor: accepted.kind, codesLeft: accepted.codesLeft }, ip });
      return true;
    });
    return { attempt, result };
  });
  if (step.attempt === 'exhausted') return endChallenge(challenge.token, 'too-many');
  // A double submission whose twin already verified: that sign-in goes on (a signed-in browser
  // is sent on from /login); nothing here may end it.
  if (!step.result) redirect('/login?notice=expired');
  const { result } = step;
  if (result.ok) {
    await clearChallengeCookie();
    return finishSignIn(handoff.token, recovery ? '/profile/2fa?recovered=1' : (challenge.callbackUrl ?? '/'));
  }
  // The challenge ended meanwhile (another request finished it): the code stays unused.
  if (result.withdrawn) redirect('/login?notice=expired');
  // Refused at the hard cap: nothing was checked, and the cap was audited once when it tripped.
  if (result.suspended && !result.tripped) return { error: SECOND_FACTOR_SUSPENDED };
  const failure = result.tripped ? '2fa.suspended' : result.lockedUntil ? 'sign_in.locked' : 'sign_in.second_factor_failed';
  await auditAlone({ orgId: user.orgId, actor: { kind: 'system' }, targetUserId: user.id, action: failure, detail: { factor: recovery ? 'recovery' : 'totp' }, ip });
  if (result.suspended) return { error: SECOND_FACTOR_SUSPENDED };
  if (result.lockedUntil) return { error: lockedMessage(minutesUntil(result.lockedUntil)) };
  const remaining = await findChallenge(challenge.token);
  // Verified meanwhile by a twin submission (its token changed), or expired: nothing to count down.
  if (!remaining) redirect('/login?notice=expired');
  const left = limit - remaining.failures;
  if (left <= 0) return endChallenge(challenge.token, 'too-many');
  const message = `${recovery ? WRONG_RECOVERY_CODE : WRONG_CODE} ${left} attempt${left === 1 ? '' : 's'} left.`;
  return { error: message, fieldErrors: recovery ? { recoveryCode: [message] } : { code: [message] } };
});

export async function cancelChallengeAction(): Promise<void> {
  markActionEntered();
  const challenge = (await currentChallenge('verify')) ?? (await currentChallenge('setup'));
  if (challenge) await writeTransaction((tx) => deleteChallenge(tx, challenge.token));
  await clearChallengeCookie();
  redirect('/login?notice=cancelled');
}
