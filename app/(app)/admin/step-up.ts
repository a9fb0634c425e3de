import 'server-only';
import type { ActionState } from '@/lib/action';
import type { CurrentSession } from '@/lib/auth/session';
import { checkStepUp } from '@/lib/auth/step-up';

export const NO_SUCH_USER = 'There is no such user in your organization.';
// Re-checked inside the change's transaction, after the step-up's password hash.
export const NO_LONGER = 'Your session has ended or you are no longer an administrator here, so nothing was changed.';
export const actorOf = (current: CurrentSession) => ({ kind: 'user' as const, userId: current.user.id, sessionId: current.sessionId });
export const CONFIRM = 'Enter your password to confirm this change.';

interface StepUpFields {
  password?: string;
  code?: string;
  recoveryCode?: string;
  webauthnResponse?: unknown;
}

/** Destructive admin changes need the profile's step-up (checkStepUp): null when the admin passed. */
export async function adminStepUp(current: CurrentSession, { password, code, recoveryCode, webauthnResponse }: StepUpFields, ip: string): Promise<ActionState | null> {
  if (password === undefined) return { error: CONFIRM, fieldErrors: { password: [CONFIRM] } };
  return checkStepUp(current, { password, code, recoveryCode, webauthnResponse }, ip);
}
