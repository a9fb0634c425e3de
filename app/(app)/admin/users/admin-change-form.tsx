'use client';

import { useTranslations } from 'next-intl';
import { useActionState, type ReactNode } from 'react';
import { Field, FormMessage, SubmitButton } from '@/app/_components/form';
import { StepUpFields, type StepUpFactors } from '@/app/_components/step-up-fields';
import type { ActionState } from '@/lib/action';
import { resetTwoFactorAction, setTwoFactorRequiredAction, setUserDeactivatedAction, signOutEverywhereAction } from '../actions';
import { revokeInvitationAction } from './invitation-actions';

/** The destructive changes an admin confirms with a step-up, on a page of their own or in the table's dialog. */
export type AdminChange = 'reset' | 'stop-requiring' | 'deactivate' | 'reactivate' | 'revoke-invitation' | 'sign-out';

const actions = { reset: resetTwoFactorAction, 'stop-requiring': setTwoFactorRequiredAction, deactivate: setUserDeactivatedAction, reactivate: setUserDeactivatedAction, 'revoke-invitation': revokeInvitationAction, 'sign-out': signOutEverywhereAction };

/** Key it by change and user: another user's form starts empty. */
export function AdminChangeForm({ change, userId, needsCode, factors, cancel }: { change: AdminChange; userId: number; needsCode: boolean; factors: StepUpFactors; cancel: ReactNode }) {
  const t = useTranslations('Client.AdminChange');
  const [state, action] = useActionState<ActionState, FormData>(actions[change], {});
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage error={state.error} ok={state.ok} />
      <input type="hidden" name="userId" value={userId} />
      {change === 'reset' ? (
        <Field name="reason" label={t('reason')} maxLength={500} placeholder={t('reasonPlaceholder')} defaultValue={state.values?.reason} />
      ) : change === 'stop-requiring' ? (
        <input type="hidden" name="required" value="off" />
      ) : change === 'revoke-invitation' || change === 'sign-out' ? null : (
        <input type="hidden" name="deactivated" value={change === 'deactivate' ? 'on' : 'off'} />
      )}
      <StepUpFields needsCode={needsCode} state={state} factors={factors} />
      <div className="flex flex-wrap gap-3">
        <SubmitButton className={change === 'reactivate' ? 'btn-primary' : 'btn-danger'}>{t(`button.${change}`)}</SubmitButton>
        {cancel}
      </div>
    </form>
  );
}
