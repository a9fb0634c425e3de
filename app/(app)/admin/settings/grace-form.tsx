'use client';

import { useActionState } from 'react';
import { Field, FormMessage, SubmitButton } from '@/app/_components/form';
import { StepUpFields, stepUpAsked, type StepUpFactors } from '@/app/_components/step-up-fields';
import type { ActionState } from '@/lib/action';
import { setGraceDaysAction } from '../actions';

/** The grace period for required 2FA (#17): one number for the policy and the per-user requirement alike. */
export function GraceForm({ days, needsCode, factors }: { days: number; needsCode: boolean; factors: StepUpFactors }) {
  const [state, action] = useActionState<ActionState, FormData>(setGraceDaysAction, {});
  // Asked for only when the action says so (more days): fewer days need no step-up.
  const askStepUp = stepUpAsked(state);
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage error={state.error} ok={state.ok} />
      <Field
        name="graceDays"
        label="Grace period (days, 0–30)"
        inputMode="numeric"
        autoComplete="off"
        className="input w-24"
        defaultValue={state.values?.graceDays ?? String(days)}
        errors={state.fieldErrors?.graceDays}
        hint="When 2FA becomes required of a user (by the policy or for them alone), they may still sign in without it for this many days from their next sign-in, with a reminder on every page; then they must set it up. 0: they set it up at their next sign-in."
      />
      {askStepUp ? (
        <fieldset className="space-y-3">
          <legend className="font-medium">To allow more days, confirm it&apos;s you</legend>
          <StepUpFields needsCode={needsCode} state={state} passwordRequired={false} factors={factors} idPrefix="grace-" />
        </fieldset>
      ) : null}
      <SubmitButton>Save grace period</SubmitButton>
    </form>
  );
}
