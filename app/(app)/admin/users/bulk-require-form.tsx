'use client';

import { useTranslations } from 'next-intl';
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
  const t = useTranslations('Client.BulkRequire');
  const [state, action] = useActionState<ActionState, FormData>(requireTwoFactorForSelectedAction, {});
  const selectionError = state.fieldErrors?.userIds;
  return (
    <form id={BULK_REQUIRE_FORM} action={action} className="card space-y-3" noValidate aria-labelledby="bulk-require-heading">
      <h3 id="bulk-require-heading" className="text-lg font-semibold">{t('heading')}</h3>
      <p id="bulk-require-hint" className="text-sm text-slate-600 dark:text-slate-400">
        {t('hint')}
      </p>
      <FormMessage error={state.error} ok={state.ok} />
      {selectionError ? <p id="bulk-require-selection-error" className="text-sm text-red-700 dark:text-red-400">{selectionError.join(' ')}</p> : null}
      <StepUpFields needsCode={needsCode} state={state} passwordRequired={false} factors={factors} idPrefix="bulk-" />
      <SubmitButton>{t('submit')}</SubmitButton>
    </form>
  );
}
