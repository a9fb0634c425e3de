'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { FormMessage, SubmitButton } from '@/app/_components/form';
import { StepUpFields, type StepUpFactors } from '@/app/_components/step-up-fields';
import type { ActionState } from '@/lib/action';
import type { TwoFactorPolicy } from '@/db/enums';
import { setPolicyAction } from '../actions';

// Each choice's label and text: Client.PolicyForm.<value> and <value>Text.
const choices = ['off', 'optional', 'required'] as const;

/**
 * The policy choice. Lowering it (Required to anything, Optional to Off, which ends every per-user
 * requirement) needs the admin's step-up, so unless the policy is Off (or when the action asked for
 * it) the form carries the step-up fields, filled only to lower it.
 */
export function PolicyForm({ policy, needsCode, factors }: { policy: TwoFactorPolicy; needsCode: boolean; factors: StepUpFactors }) {
  const t = useTranslations('Client.PolicyForm');
  const [state, action] = useActionState<ActionState, FormData>(setPolicyAction, {});
  const chosen = state.values?.policy ?? policy;
  const stored = state.ok ? chosen : policy;
  const askStepUp = stored !== 'off' || !!state.fieldErrors?.password;
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage error={state.error} ok={state.ok} />
      <fieldset className="space-y-3">
        <legend className="font-medium">{t('legend')}</legend>
        {choices.map((c) => (
          <div key={c} className="flex gap-3">
            <input type="radio" id={`policy-${c}`} name="policy" value={c} defaultChecked={chosen === c} aria-describedby={`policy-${c}-text`} className="mt-1 h-4 w-4" />
            <div>
              <label htmlFor={`policy-${c}`} className="font-medium">{t(c)}</label>
              <p id={`policy-${c}-text`} className="text-sm text-slate-700 dark:text-slate-300">{t(`${c}Text`)}</p>
            </div>
          </div>
        ))}
      </fieldset>
      {askStepUp ? (
        <fieldset className="space-y-3">
          <legend className="font-medium">{t('confirm')}</legend>
          <StepUpFields needsCode={needsCode} state={state} passwordRequired={false} factors={factors} />
        </fieldset>
      ) : null}
      <SubmitButton>{t('submit')}</SubmitButton>
    </form>
  );
}
