'use client';

import { useActionState } from 'react';
import { FormMessage, SubmitButton } from '@/app/_components/form';
import { StepUpFields, type StepUpFactors } from '@/app/_components/step-up-fields';
import type { ActionState } from '@/lib/action';
import { requireTwoFactorForSelectedAction } from '../actions';

/** The form the table's row checkboxes belong to (their `form` attribute): it works without JavaScript. */
export const BULK_REQUIRE_FORM = 'bulk-require';

/**
 * "Require 2FA for selected" (#21), under the users table: the admin ticks rows, confirms it's them
 * and submits; the outcome says who was changed, who was signed out and who was skipped.
 */
export function BulkRequireForm({ needsCode, factors }: { needsCode: boolean; factors: StepUpFactors }) {
  const [state, action] = useActionState<ActionState, FormData>(requireTwoFactorForSelectedAction, {});
  const selectionError = state.fieldErrors?.userIds;
  return (
    <form id={BULK_REQUIRE_FORM} action={action} className="card space-y-3" noValidate aria-labelledby="bulk-require-heading">
      <h3 id="bulk-require-heading" className="text-lg font-semibold">Require 2FA for the selected users</h3>
      <p id="bulk-require-hint" className="text-sm text-slate-600 dark:text-slate-400">
        Tick users in the table (up to 100), then confirm. Users without 2FA are signed out and set it up at their next sign-in. SSO users and users already required are skipped.
      </p>
      <FormMessage error={state.error} ok={state.ok} />
      {selectionError ? <p id="bulk-require-selection-error" className="text-sm text-red-700 dark:text-red-400">{selectionError.join(' ')}</p> : null}
      <StepUpFields needsCode={needsCode} state={state} passwordRequired={false} factors={factors} idPrefix="bulk-" />
      <SubmitButton>Require 2FA for selected</SubmitButton>
    </form>
  );
}
