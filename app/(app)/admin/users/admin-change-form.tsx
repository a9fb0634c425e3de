'use client';

import { useActionState, type ReactNode } from 'react';
import { Field, FormMessage, SubmitButton } from '@/app/_components/form';
import { StepUpFields, type StepUpFactors } from '@/app/_components/step-up-fields';
import type { ActionState } from '@/lib/action';
import { resetTwoFactorAction, setTwoFactorRequiredAction, setUserDeactivatedAction, signOutEverywhereAction } from '../actions';
import { revokeInvitationAction } from './invitation-actions';

/** The destructive changes an admin confirms with a step-up, on a page of their own or in the table's dialog. */
export type AdminChange = 'reset' | 'stop-requiring' | 'deactivate' | 'reactivate' | 'revoke-invitation' | 'sign-out';

export const changeText: Record<AdminChange, { title: (name: string) => string; button: string }> = {
  reset: { title: (name) => `Reset 2FA of ${name}?`, button: 'Reset 2FA' },
  'stop-requiring': { title: (name) => `Stop requiring 2FA for ${name}?`, button: 'Stop requiring 2FA' },
  deactivate: { title: (name) => `Deactivate ${name}?`, button: 'Deactivate' },
  reactivate: { title: (name) => `Reactivate ${name}?`, button: 'Reactivate' },
  'revoke-invitation': { title: (name) => `Revoke the invitation of ${name}?`, button: 'Revoke invitation' },
  'sign-out': { title: (name) => `Sign ${name} out everywhere?`, button: 'Sign out everywhere' },
};

const actions = { reset: resetTwoFactorAction, 'stop-requiring': setTwoFactorRequiredAction, deactivate: setUserDeactivatedAction, reactivate: setUserDeactivatedAction, 'revoke-invitation': revokeInvitationAction, 'sign-out': signOutEverywhereAction };

/** Key it by change and user: another user's form starts empty. */
export function AdminChangeForm({ change, userId, needsCode, factors, cancel }: { change: AdminChange; userId: number; needsCode: boolean; factors: StepUpFactors; cancel: ReactNode }) {
  const [state, action] = useActionState<ActionState, FormData>(actions[change], {});
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage error={state.error} ok={state.ok} />
      <input type="hidden" name="userId" value={userId} />
      {change === 'reset' ? (
        <Field name="reason" label="Reason (optional, kept in the audit log)" maxLength={500} placeholder="Lost phone" defaultValue={state.values?.reason} />
      ) : change === 'stop-requiring' ? (
        <input type="hidden" name="required" value="off" />
      ) : change === 'revoke-invitation' || change === 'sign-out' ? null : (
        <input type="hidden" name="deactivated" value={change === 'deactivate' ? 'on' : 'off'} />
      )}
      <StepUpFields needsCode={needsCode} state={state} factors={factors} />
      <div className="flex flex-wrap gap-3">
        <SubmitButton className={change === 'reactivate' ? 'btn-primary' : 'btn-danger'}>{changeText[change].button}</SubmitButton>
        {cancel}
      </div>
    </form>
  );
}
