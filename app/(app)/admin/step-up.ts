import 'server-only';
import type { ActionState } from '@/lib/action';
import type { CurrentSession } from '@/lib/auth/session';
import { checkStepUp } from '@/lib/auth/step-up';

// Message keys (lib/i18n/messages/*.admin.json), translated by the action wrapper for the reader.
export const NO_SUCH_USER = 'AdminActions.noSuchUser';
// Re-checked inside the change's transaction, after the step-up's password hash.
export const NO_LONGER = 'AdminActions.noLonger';
export const actorOf = (current: CurrentSession) => ({ kind: 'user' as const, userId: current.user.id, sessionId: current.sessionId });
export const CONFIRM = 'AdminActions.confirm';

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
