'use server';

import { redirect } from 'next/navigation';
import { after } from 'next/server';
import { publicAction } from '@/lib/action';
import { auditAlone } from '@/lib/audit';
import { createChallenge } from '@/lib/auth/challenge';
import { setChallengeCookie } from '@/lib/auth/challenge-cookie';
import { checkPassword, knownDevice } from '@/lib/auth/credentials';
import { currentDevice, rememberDevice } from '@/lib/auth/device-cookie';
import { beginEnrollment } from '@/lib/auth/enrollment';
import { secondStep } from '@/lib/auth/policy';
import { signIn } from '@/lib/auth/auth';
import { finishSignIn } from '@/lib/auth/sign-in';
import { currentTrustToken } from '@/lib/auth/trust-cookie';
import { signInWithTrustedBrowser } from '@/lib/auth/trusted-browsers';
import { config } from '@/lib/config';
import { log } from '@/lib/log';
import { metrics } from '@/lib/ops/metrics';
import { safeCallbackUrl } from '@/lib/validation/fields';
import { signInSchema } from '@/lib/validation/forms';
import { markActionEntered } from '@/lib/request';

const GENERIC_FAILURE = 'Login.genericFailure';

export const signInAction = publicAction(signInSchema, async ({ email, password, callbackUrl }, { ip }) => {
  const values = { email };
  const result = await checkPassword(email, password, ip, knownDevice(await currentDevice()));
  if (!result.ok) {
    // A refused attempt writes nothing (the lock itself was audited once, when it began); it is counted.
    if (result.locked) {
      metrics().signIns.inc({ method: 'password', outcome: 'locked' });
      return { error: GENERIC_FAILURE, values };
    }
    const { orgId, userId } = result;
    if (orgId !== null) {
      // Written once the answer is sent: the commit (an fsync) would make a real account's failure
      // a few milliseconds slower than an unknown email's, which only logs.
      after(() => auditAlone({ orgId, actor: { kind: 'system' }, targetUserId: userId, action: 'sign_in.failed', detail: { reason: 'password' }, ip }));
    } else {
      log('sign_in.failed', { reason: 'unknown_email', ip });
    }
    return { error: GENERIC_FAILURE, values };
  }
  const { user } = result;
  await rememberDevice(user.id);
  const target = safeCallbackUrl(callbackUrl);
  const step = secondStep(user, user.policy, { days: user.graceDays, startedAt: user.graceStartedAt });
  // A trusted browser stands for the second factor (never for forced setup, nor in grace): the session
  // still comes from a ready challenge, through the same checks as after a code.
  const trust = step === 'verify' ? await currentTrustToken() : null;
  const trusted = trust ? await signInWithTrustedBrowser(user, trust, target, ip) : null;
  if (trusted) return finishSignIn(trusted, target);
  if (step === 'verify' || step === 'setup') {
    const token = await createChallenge(user.id, step, target, user.credentialsVersion);
    // Forced setup starts with a pending secret that lives exactly as long as the challenge, and belongs to it.
    if (step === 'setup') await beginEnrollment(user.id, { challengeToken: token });
    await setChallengeCookie(token, step);
    log('sign_in.challenge', { user: user.id, purpose: step, ip });
    redirect(step === 'verify' ? '/login/verify' : '/login/setup-2fa');
  }
  // `grace`: 2FA is required but not due yet; the session's transaction starts the user's clock if it has not.
  const detail = { method: 'password', secondFactor: 'none', ...(step === 'grace' && { twoFactorGrace: true }) };
  await auditAlone({ orgId: user.orgId, actor: { kind: 'user', userId: user.id }, targetUserId: user.id, action: 'sign_in', detail, ip });
  return finishSignIn(await createChallenge(user.id, 'ready', target, user.credentialsVersion), target);
});

/** "Sign in with {OIDC_NAME}": off to the identity provider, which handles the second factor. */
export async function ssoSignInAction(formData: unknown): Promise<void> {
  markActionEntered();
  if (!config().oidc) redirect('/login');
  // A forged call may pass anything; only a real form can carry a callback URL.
  await signIn('oidc', { redirectTo: safeCallbackUrl(formData instanceof FormData ? formData.get('callbackUrl') : undefined) });
}
