'use server';

import { redirect } from 'next/navigation';
import { lockUser, writeTransaction } from '@/db';
import { publicAction, type ActionState } from '@/lib/action';
import { audit, auditAlone } from '@/lib/audit';
import { countChallengeAttempt, deleteChallenge, findChallenge, markChallengeReady } from '@/lib/auth/challenge';
import { clearChallengeCookie, currentChallenge } from '@/lib/auth/challenge-cookie';
import { SIGN_IN_KEY_REFUSED, lockedMessage, NO_KEYS, SECOND_FACTOR_SUSPENDED, WRONG_CODE, WRONG_RECOVERY_CODE, wrongCodeMessage } from '@/lib/auth/messages';
import { verifySecondFactor, type FactorInput } from '@/lib/auth/second-factor';
import { authenticationOptions, beginAssertion } from '@/lib/auth/webauthn';
import { finishSignIn } from '@/lib/auth/sign-in';
import { minutesUntil } from '@/lib/auth/throttle';
import { clearTrustCookie, currentTrustToken, requestUserAgent, setTrustCookie } from '@/lib/auth/trust-cookie';
import { endTrustedBrowsers, trustBrowser } from '@/lib/auth/trusted-browsers';
import { findUserById } from '@/lib/accounts/users';
import { config } from '@/lib/config';
import { keyOptionsSchema, verifyCodeSchema, verifyKeySchema } from '@/lib/validation/forms';
import { markActionEntered } from '@/lib/request';
import { requestTranslator } from '@/lib/i18n/server';
import { localize } from '@/lib/i18n/translate';

async function endChallenge(token: string, notice: string): Promise<never> {
  await writeTransaction((tx) => deleteChallenge(tx, token));
  await clearChallengeCookie();
  redirect(`/login?notice=${notice}`);
}

type Challenge = NonNullable<Awaited<ReturnType<typeof currentChallenge>>>;
/** `trust`: "Trust this browser" was ticked (an app code or a key; never a recovery code). */
type Factor = { name: 'totp' | 'recovery' | 'webauthn'; input: FactorInput; trust?: boolean };

const failureMessage: Record<Factor['name'], string> = { totp: WRONG_CODE, recovery: WRONG_RECOVERY_CODE, webauthn: SIGN_IN_KEY_REFUSED };
const failureField: Record<Factor['name'], string> = { totp: 'code', recovery: 'recoveryCode', webauthn: 'key' };

/**
 * The second step, whatever the factor: an app code, a recovery code or a security key's assertion.
 * One transaction (the steps' own become savepoints of it), so one commit and one fsync: the
 * challenge's attempt and the user's are counted before the check, then the factor is used, the
 * challenge becomes ready and the sign-in is audited — a crash cannot leave a used recovery code
 * (or key challenge) that nothing records. The session follows from the ready challenge
 * (finishSignIn), in a transaction of its own, under the ready challenge's new token.
 * In the same transaction, a recovery code ends every trusted browser of the user (they have likely
 * lost their device), and a ticked "Trust this browser" trusts this one (trusted-browsers.ts).
 */
async function completeSecondStep(challenge: Challenge, factor: Factor, ip: string): Promise<ActionState> {
  const user = (await findUserById(challenge.userId))!;
  const limit = config().secondFactor.challengeFailures;
  const now = Date.now();
  const handoff: { token: string; trust: { token: string; expiresAt: number } | null } = { token: '', trust: null };
  const origin = factor.trust ? { userAgent: await requestUserAgent(), clientAddress: ip, ip, replacing: (await currentTrustToken()) ?? undefined } : null;
  const step = await writeTransaction(async (tx) => {
    // The user's row first, as every change of the user takes it before the user's challenges.
    await lockUser(tx, user.id);
    // Counted before the check: parallel guesses cannot exceed the limit.
    const attempt = await countChallengeAttempt(challenge.token, limit);
    if (attempt !== 'counted') return { attempt };
    const result = await verifySecondFactor(user.id, factor.input, now, async (tx, accepted) => {
      const ready = await markChallengeReady(tx, challenge.token, now, accepted.kind === 'recovery' ? 'recovery_code' : accepted.kind);
      if (!ready) return false;
      handoff.token = ready;
      const action = accepted.kind === 'recovery' ? 'sign_in.recovery_code_used' : 'sign_in';
      const trustEnded = accepted.kind === 'recovery' ? await endTrustedBrowsers(tx, user.id) : 0;
      await audit(tx, { orgId: user.orgId, actor: { kind: 'user', userId: user.id }, targetUserId: user.id, action, detail: { method: 'password', secondFactor: accepted.kind, codesLeft: accepted.codesLeft, ...(accepted.credentialId && { credentialId: accepted.credentialId }), ...(trustEnded && { trustedBrowsersEnded: trustEnded }) }, ip });
      if (origin && accepted.kind !== 'recovery') handoff.trust = await trustBrowser(tx, { id: user.id, orgId: user.orgId, credentialsVersion: challenge.credentialsVersion }, origin, now);
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
    if (handoff.trust) await setTrustCookie(handoff.trust.token, handoff.trust.expiresAt, now);
    // Its row is gone with every other of the user's (above).
    if (result.kind === 'recovery') await clearTrustCookie();
    return finishSignIn(handoff.token, result.kind === 'recovery' ? '/profile/2fa?recovered=1' : (challenge.callbackUrl ?? '/'));
  }
  // The challenge ended meanwhile (another request finished it): the code stays unused.
  if (result.withdrawn) redirect('/login?notice=expired');
  // Refused at the hard cap: nothing was checked, and the cap was audited once when it tripped.
  if (result.suspended && !result.tripped) return { error: SECOND_FACTOR_SUSPENDED };
  const failure = result.tripped ? '2fa.suspended' : result.lockedUntil ? 'sign_in.locked' : 'sign_in.second_factor_failed';
  // `began`: the attempt that began the lock (its owner is mailed once a lock, lib/mail/notifications.ts).
  await auditAlone({ orgId: user.orgId, actor: { kind: 'system' }, targetUserId: user.id, action: failure, detail: { factor: factor.name, ...(result.lockBegan && { began: true }) }, ip });
  if (result.suspended) return { error: SECOND_FACTOR_SUSPENDED };
  if (result.lockedUntil) return { error: lockedMessage(minutesUntil(result.lockedUntil)) };
  const remaining = await findChallenge(challenge.token);
  // Verified meanwhile by a twin submission (its token changed), or expired: nothing to count down.
  if (!remaining) redirect('/login?notice=expired');
  const left = limit - remaining.failures;
  if (left <= 0) return endChallenge(challenge.token, 'too-many');
  const t = await requestTranslator();
  const message = `${localize(factor.name === 'totp' ? wrongCodeMessage(result.drift) : failureMessage[factor.name], t)} ${t('Verify.attemptsLeft', { left })}`;
  return { error: message, fieldErrors: { [failureField[factor.name]]: [message] } };
}

async function verifyChallenge(): Promise<Challenge> {
  const challenge = await currentChallenge('verify');
  if (!challenge) redirect('/login?notice=expired');
  return challenge;
}

export const verifyCodeAction = publicAction(verifyCodeSchema, async (input, { ip }): Promise<ActionState> => {
  const challenge = await verifyChallenge();
  const factor: Factor = input.method === 'recovery' ? { name: 'recovery', input: { recoveryCode: input.recoveryCode } } : { name: 'totp', input: { code: input.code }, trust: input.trust === 'yes' };
  return completeSecondStep(challenge, factor, ip);
});

/** "Use your security key": the assertion answers a key challenge bound to this sign-in challenge. */
export const verifyKeyAction = publicAction(verifyKeySchema, async ({ response, trust }, { ip }): Promise<ActionState> => {
  const challenge = await verifyChallenge();
  // The signature check begins at once (its WebCrypto work on libuv's threadpool, its key read on
  // PostgreSQL's reader pool) while the steps below read and count; it decides nothing until the
  // key's challenge is used up in their transaction.
  const begun = beginAssertion(response, challenge.userId);
  begun.catch(() => undefined);
  return completeSecondStep(challenge, { name: 'webauthn', input: { assertion: { binding: { challengeToken: challenge.token }, response, ip, begun } }, trust: trust === 'yes' }, ip);
});

/** The options for navigator.credentials.get(): the user's keys, for a key challenge bound to this sign-in challenge. */
export const keyOptionsAction = publicAction(keyOptionsSchema, async (): Promise<ActionState> => {
  const challenge = await verifyChallenge();
  const options = await authenticationOptions({ challengeToken: challenge.token }, challenge.userId);
  if (!options) return { error: NO_KEYS };
  return { values: { options: JSON.stringify(options) } };
});

export async function cancelChallengeAction(): Promise<void> {
  markActionEntered();
  const challenge = (await currentChallenge('verify')) ?? (await currentChallenge('setup'));
  if (challenge) await writeTransaction((tx) => deleteChallenge(tx, challenge.token));
  await clearChallengeCookie();
  redirect('/login?notice=cancelled');
}
