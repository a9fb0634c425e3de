'use server';

import { redirect } from 'next/navigation';
import { userAction, type ActionState } from '@/lib/action';
import { auditAlone } from '@/lib/audit';
import { checkPassword, sessionDevice } from '@/lib/auth/credentials';
import { currentSession } from '@/lib/auth/current';
import { beginEnrollment, cancelEnrollment, confirmEnrollment } from '@/lib/auth/enrollment';
import { PASSWORD_LOCKED, WRONG_PASSWORD, wrongCodeMessage } from '@/lib/auth/messages';
import { hasSecondFactor, isTwoFactorRequired } from '@/lib/auth/policy';
import type { CurrentSession } from '@/lib/auth/session';
import { checkStepUp } from '@/lib/auth/step-up';
import { disableTwoFactor, regenerateRecoveryCodes } from '@/lib/auth/two-factor-changes';
import { confirmCodeSchema, startEnrollmentSchema, stepUpSchema } from '@/lib/validation/forms';
import { markActionEntered } from '@/lib/request';
import { mayManage, NOT_ALLOWED, REFUSED, REQUIRED } from './refusals';

const actor = (current: CurrentSession) => ({ kind: 'user' as const, userId: current.user.id });

export const startEnrollmentAction = userAction(startEnrollmentSchema, async (stepUp, { current, ip }) => {
  if (!mayManage(current)) return { error: NOT_ALLOWED };
  if (current.user.totpEnabledAt !== null) return { error: 'TwoFactor.alreadyOn' };
  // A user who already has a second factor (keys) adds the app with a whole step-up, as for any
  // other 2FA change: the app's confirmation counts as a fresh second factor, which must not be had
  // with the password alone.
  if (hasSecondFactor(current.user)) {
    const refused = await checkStepUp(current, stepUp, ip);
    if (refused) return refused;
  } else {
    const check = await checkPassword(current.user.email, stepUp.password, ip, sessionDevice(current));
    if (!check.ok) return check.locked ? { error: PASSWORD_LOCKED } : { error: WRONG_PASSWORD, fieldErrors: { password: [WRONG_PASSWORD] } };
  }
  await beginEnrollment(current.user.id, { sessionId: current.sessionId });
  redirect('/profile/2fa');
});

const CONFIRM_REFUSED = {
  superseded: 'TwoFactor.confirmRefused.superseded',
  stale: 'TwoFactor.confirmRefused.stale',
  expired: 'TwoFactor.confirmRefused.expired',
};

export const confirmEnrollmentAction = userAction(confirmCodeSchema, async ({ code }, { current, ip }): Promise<ActionState> => {
  if (!mayManage(current)) return { error: NOT_ALLOWED };
  const result = await confirmEnrollment(current.user.id, code, {
    owner: { sessionId: current.sessionId },
    audit: { orgId: current.org.id, actor: actor(current), targetUserId: current.user.id, ip },
  });
  if (result.ok && result.codes.length === 0) redirect('/profile/2fa?notice=app-added');
  if (result.ok) return { codes: result.codes, ok: 'Setup.turnedOn' };
  if (result.reason === 'invalid') {
    const message = wrongCodeMessage(result.drift);
    return { error: message, fieldErrors: { code: [message] } };
  }
  return { error: CONFIRM_REFUSED[result.reason] };
});

export async function cancelEnrollmentAction(): Promise<void> {
  markActionEntered();
  const current = await currentSession();
  if (current) await cancelEnrollment(current.user.id, { sessionId: current.sessionId });
  redirect('/profile/2fa');
}

export const reconfigureAction = userAction(stepUpSchema, async (input, { current, ip }) => {
  if (!mayManage(current) || current.user.totpEnabledAt === null) return { error: NOT_ALLOWED };
  const denied = await checkStepUp(current, input, ip);
  if (denied) return denied;
  await beginEnrollment(current.user.id, { sessionId: current.sessionId });
  redirect('/profile/2fa');
});

export const regenerateCodesAction = userAction(stepUpSchema, async (input, { current, ip }): Promise<ActionState> => {
  if (!mayManage(current) || !hasSecondFactor(current.user)) return { error: NOT_ALLOWED };
  const denied = await checkStepUp(current, input, ip);
  if (denied) return denied;
  const result = await regenerateRecoveryCodes(current.user.id, { actor: actor(current), orgId: current.org.id, ip, sessionId: current.sessionId });
  if ('refused' in result) return { error: REFUSED[result.refused] };
  return { codes: result.codes, ok: 'TwoFactor.codesRegenerated' };
});

export const disableAction = userAction(stepUpSchema, async (input, { current, ip }) => {
  if (current.user.totpEnabledAt === null) return { error: 'TwoFactor.alreadyOff' };
  // With keys left, removing the app keeps 2FA on: allowed whatever the policy.
  if (current.user.webauthnKeyCount === 0 && isTwoFactorRequired(current.user, current.org.twoFactorPolicy)) {
    await auditAlone({ orgId: current.org.id, actor: actor(current), targetUserId: current.user.id, action: '2fa.disable_refused', ip });
    return { error: REQUIRED };
  }
  const denied = await checkStepUp(current, input, ip);
  if (denied) return denied;
  const refused = await disableTwoFactor(current.user.id, { actor: actor(current), orgId: current.org.id, ip, sessionId: current.sessionId });
  if (refused) return { error: REFUSED[refused] };
  redirect(current.user.webauthnKeyCount > 0 ? '/profile/2fa?notice=app-removed' : '/profile/2fa?notice=disabled');
});
