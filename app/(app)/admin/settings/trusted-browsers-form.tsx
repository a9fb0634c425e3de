'use client';

import { useTranslations } from 'next-intl';
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
  const t = useTranslations('Client.TrustedBrowsersForm');
  const [state, action] = useActionState<ActionState, FormData>(setTrustedBrowsersAction, {});
  const checked = state.values ? state.values.trustedBrowsers === 'on' : allowed;
  const askStepUp = stepUpAsked(state);
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage error={state.error} ok={state.ok} />
      <div className="flex gap-3">
        <input type="checkbox" id="trusted-browsers" name="trustedBrowsers" value="on" defaultChecked={checked} aria-describedby="trusted-browsers-text" className="mt-1 h-4 w-4" />
        <div>
          <label htmlFor="trusted-browsers" className="font-medium">{t('label')}</label>
          <p id="trusted-browsers-text" className="text-sm text-slate-700 dark:text-slate-300">
            {t('text')}
          </p>
        </div>
      </div>
      <Field
        name="trustedBrowserDays"
        id="trusted-browser-days"
        label={t('days')}
        type="number"
        inputMode="numeric"
        min={1}
        max={30}
        step={1}
        required
        defaultValue={state.values?.trustedBrowserDays ?? String(days)}
        errors={state.fieldErrors?.trustedBrowserDays}
        hint={t('daysHint')}
        className="input w-24"
      />
      {/* Asked for only when the change widens trust (the action says so): lowering needs none. */}
      {askStepUp ? (
        <fieldset className="space-y-3">
          <legend className="font-medium">{t('confirm')}</legend>
          <StepUpFields needsCode={needsCode} state={state} passwordRequired={false} factors={factors} idPrefix="trust-" />
        </fieldset>
      ) : null}
      <SubmitButton>{t('submit')}</SubmitButton>
    </form>
  );
}
