import 'server-only';
import type { ActionState } from '@/lib/action';
import { audit, auditAlone } from '@/lib/audit';
import { checkPassword, sessionDevice } from './credentials';
import { KEY_NOT_ACCEPTED, KEY_OR_RECOVERY_CODE, lockedMessage, PASSWORD_LOCKED, SECOND_FACTOR_SUSPENDED, WRONG_PASSWORD, WRONG_RECOVERY_CODE, wrongCodeMessage } from './messages';
import { hasSecondFactor } from './policy';
import { type FactorInput, markSessionSecondFactor, secondFactorIsFresh, verifySecondFactor } from './second-factor';
import type { CurrentSession } from './session';
import { minutesUntil } from './throttle';

export interface StepUpInput {
  password: string;
  code?: string;
  recoveryCode?: string;
  /** A security key's assertion for a challenge bound to this session (see keyStepUpOptions). */
  webauthnResponse?: unknown;
}

/** Whether a step-up prompt for this session must ask for a second factor (a code or a key) as well as the password. */
export function stepUpNeedsCode(current: CurrentSession): boolean {
  return hasSecondFactor(current.user) && !secondFactorIsFresh(current.secondFactorAt);
}

function secondFactorMissing(current: CurrentSession): ActionState {
  if (current.user.totpEnabledAt === null) return { fieldErrors: { recoveryCode: [KEY_OR_RECOVERY_CODE] }, error: KEY_OR_RECOVERY_CODE };
  return { fieldErrors: { code: ['StepUp.codeOrRecoveryCode'] }, error: 'StepUp.confirmWithCode' };
}

/**
 * Re-checks the caller before a sensitive 2FA change: the password (password throttle), and a
 * current code, key assertion or recovery code unless this session verified one recently (second-factor throttle).
 * Returns null when the caller passed, else the state to show.
 */
export async function checkStepUp(current: CurrentSession, input: StepUpInput, ip: string): Promise<ActionState | null> {
  const password = await checkPassword(current.user.email, input.password, ip, sessionDevice(current));
  if (!password.ok) {
    if (!password.locked) await auditAlone({ orgId: current.org.id, actor: { kind: 'user', userId: current.user.id }, targetUserId: current.user.id, action: 'step_up.failed', detail: { factor: 'password' }, ip });
    return password.locked ? { error: PASSWORD_LOCKED } : { fieldErrors: { password: [WRONG_PASSWORD] }, error: WRONG_PASSWORD };
  }
  if (!stepUpNeedsCode(current)) return null;
  // A key's assertion answers a challenge this session asked for with the user's keys.
  const key = input.webauthnResponse !== undefined && current.user.webauthnKeyCount > 0;
  if (!key && input.code === undefined && input.recoveryCode === undefined) return secondFactorMissing(current);
  // Counted by the same throttles and hard cap as a code; the session counts as freshly verified in
  // the transaction that uses the factor.
  const factor: FactorInput = key
    ? { assertion: { binding: { sessionId: current.sessionId }, response: input.webauthnResponse, ip } }
    : input.recoveryCode !== undefined
      ? { recoveryCode: input.recoveryCode }
      : { code: input.code };
  const result = await verifySecondFactor(current.user.id, factor, Date.now(), async (tx, accepted) => {
    await markSessionSecondFactor(tx, current.sessionId);
    // A recovery code used up is audited (and its owner mailed, with the codes left) with its use.
    if (accepted.kind === 'recovery') await audit(tx, { orgId: current.org.id, actor: { kind: 'user', userId: current.user.id }, targetUserId: current.user.id, action: 'step_up.recovery_code_used', detail: { codesLeft: accepted.codesLeft }, ip });
    return true;
  });
  if (!result.ok) {
    // Refused at the hard cap: nothing was checked, and the cap was audited once when it tripped.
    if (result.suspended && !result.tripped) return { error: SECOND_FACTOR_SUSPENDED };
    await auditAlone({ orgId: current.org.id, actor: { kind: 'user', userId: current.user.id }, targetUserId: current.user.id, action: result.tripped ? '2fa.suspended' : 'step_up.failed', detail: { factor: key ? 'webauthn' : 'second', locked: !!result.lockedUntil, ...(result.lockBegan && { began: true }) }, ip });
    if (result.suspended) return { error: SECOND_FACTOR_SUSPENDED };
    if (result.lockedUntil) return { error: lockedMessage(minutesUntil(result.lockedUntil)) };
    const field = key ? 'webauthnResponse' : input.recoveryCode !== undefined ? 'recoveryCode' : 'code';
    const message = key ? KEY_NOT_ACCEPTED : field === 'code' ? wrongCodeMessage(result.drift) : WRONG_RECOVERY_CODE;
    return { fieldErrors: { [field]: [message] }, error: message };
  }
  return null;
}

/** What a step-up prompt offers this user: the app's code, a key, or both (a recovery code always). */
export function stepUpFactors(current: CurrentSession): { app: boolean; keys: boolean } {
  return { app: current.user.totpEnabledAt !== null, keys: current.user.webauthnKeyCount > 0 };
}
