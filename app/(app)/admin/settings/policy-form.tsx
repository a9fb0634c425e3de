'use client';

import { useActionState } from 'react';
import { FormMessage, SubmitButton } from '@/app/_components/form';
import { StepUpFields, type StepUpFactors } from '@/app/_components/step-up-fields';
import type { ActionState } from '@/lib/action';
import type { TwoFactorPolicy } from '@/db/enums';
import { setPolicyAction } from '../actions';

const choices = [
  { value: 'off', label: 'Off', text: 'Users without 2FA cannot set it up; users who have it keep it (sign-in still asks for a code) and may turn it off. SSO users are not affected.' },
  { value: 'optional', label: 'Optional', text: 'Users choose: they may set up, change and turn off 2FA (unless you require it for them). SSO users are not affected.' },
  { value: 'required', label: 'Required', text: 'Users without 2FA are signed out and must set it up at their next sign-in (or within the grace period below); users with 2FA cannot turn it off. SSO users are not affected: their identity provider handles 2FA.' },
] as const;

/**
 * The policy choice. Lowering it (Required to anything, Optional to Off, which ends every per-user
 * requirement) needs the admin's step-up, so unless the policy is Off (or when the action asked for
 * it) the form carries the step-up fields, filled only to lower it.
 */
export function PolicyForm({ policy, needsCode, factors }: { policy: TwoFactorPolicy; needsCode: boolean; factors: StepUpFactors }) {
  const [state, action] = useActionState<ActionState, FormData>(setPolicyAction, {});
  const chosen = state.values?.policy ?? policy;
  const stored = state.ok ? chosen : policy;
  const askStepUp = stored !== 'off' || !!state.fieldErrors?.password;
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage error={state.error} ok={state.ok} />
      <fieldset className="space-y-3">
        <legend className="font-medium">Policy for email and password users</legend>
        {choices.map((c) => (
          <div key={c.value} className="flex gap-3">
            <input type="radio" id={`policy-${c.value}`} name="policy" value={c.value} defaultChecked={chosen === c.value} aria-describedby={`policy-${c.value}-text`} className="mt-1 h-4 w-4" />
            <div>
              <label htmlFor={`policy-${c.value}`} className="font-medium">{c.label}</label>
              <p id={`policy-${c.value}-text`} className="text-sm text-slate-700 dark:text-slate-300">{c.text}</p>
            </div>
          </div>
        ))}
      </fieldset>
      {askStepUp ? (
        <fieldset className="space-y-3">
          <legend className="font-medium">To lower the policy, confirm it&apos;s you</legend>
          <StepUpFields needsCode={needsCode} state={state} passwordRequired={false} factors={factors} />
        </fieldset>
      ) : null}
      <SubmitButton>Save policy</SubmitButton>
    </form>
  );
}
