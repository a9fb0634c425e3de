'use client';

import { useActionState } from 'react';
import { Field, FormMessage, SubmitButton } from '@/app/_components/form';
import { StepUpFields, stepUpAsked, type StepUpFactors } from '@/app/_components/step-up-fields';
import type { ActionState } from '@/lib/action';
import { setTrustedBrowsersAction } from './trust-actions';

/**
 * The organization's "Trust this browser" setting (#17): allowed or not, and the number of days (1–30).
 * Allowing it, or more days, needs the admin's step-up (the fields are filled only for that).
 */
export function TrustedBrowsersForm({ allowed, days, needsCode, factors }: { allowed: boolean; days: number; needsCode: boolean; factors: StepUpFactors }) {
  const [state, action] = useActionState<ActionState, FormData>(setTrustedBrowsersAction, {});
  const checked = state.values ? state.values.trustedBrowsers === 'on' : allowed;
  const askStepUp = stepUpAsked(state);
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage error={state.error} ok={state.ok} />
      <div className="flex gap-3">
        <input type="checkbox" id="trusted-browsers" name="trustedBrowsers" value="on" defaultChecked={checked} aria-describedby="trusted-browsers-text" className="mt-1 h-4 w-4" />
        <div>
          <label htmlFor="trusted-browsers" className="font-medium">Allow trusted browsers</label>
          <p id="trusted-browsers-text" className="text-sm text-slate-700 dark:text-slate-300">
            At the second step, people may tick “Trust this browser”: that browser then asks only for the password, for the number of days
            below, counted from that moment. A password or 2FA change ends it, and confirming a sensitive change still asks for a code.
          </p>
        </div>
      </div>
      <Field
        name="trustedBrowserDays"
        id="trusted-browser-days"
        label="Days (1–30)"
        type="number"
        inputMode="numeric"
        min={1}
        max={30}
        step={1}
        required
        defaultValue={state.values?.trustedBrowserDays ?? String(days)}
        errors={state.fieldErrors?.trustedBrowserDays}
        hint="Fewer days take effect at once for browsers already trusted; more days never lengthen them."
        className="input w-24"
      />
      {/* Asked for only when the change widens trust (the action says so): lowering needs none. */}
      {askStepUp ? (
        <fieldset className="space-y-3">
          <legend className="font-medium">To allow trusted browsers or more days, confirm it&apos;s you</legend>
          <StepUpFields needsCode={needsCode} state={state} passwordRequired={false} factors={factors} idPrefix="trust-" />
        </fieldset>
      ) : null}
      <SubmitButton>Save trusted browser setting</SubmitButton>
    </form>
  );
}
