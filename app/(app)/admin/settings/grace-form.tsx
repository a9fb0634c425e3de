'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { Field, FormMessage, SubmitButton } from '@/app/_components/form';
import { StepUpFields, stepUpAsked, type StepUpFactors } from '@/app/_components/step-up-fields';
import type { ActionState } from '@/lib/action';
import { setGraceDaysAction } from '../actions';

/** The grace period for required 2FA (#17): one number for the policy and the per-user requirement alike. */
export function GraceForm({ days, needsCode, factors }: { days: number; needsCode: boolean; factors: StepUpFactors }) {
  const t = useTranslations('Client.GraceForm');
  const [state, action] = useActionState<ActionState, FormData>(setGraceDaysAction, {});
  // Asked for only when the action says so (more days): fewer days need no step-up.
  const askStepUp = stepUpAsked(state);
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage error={state.error} ok={state.ok} />
      <Field
        name="graceDays"
        label={t('label')}
        inputMode="numeric"
        autoComplete="off"
        className="input w-24"
        defaultValue={state.values?.graceDays ?? String(days)}
        errors={state.fieldErrors?.graceDays}
        hint={t('hint')}
      />
      {askStepUp ? (
        <fieldset className="space-y-3">
          <legend className="font-medium">{t('confirm')}</legend>
          <StepUpFields needsCode={needsCode} state={state} passwordRequired={false} factors={factors} idPrefix="grace-" />
        </fieldset>
      ) : null}
      <SubmitButton>{t('submit')}</SubmitButton>
    </form>
  );
}
