'use client';

import { useActionState } from 'react';
import { useTranslations } from 'next-intl';
import { CodeField, RecoveryCodeField } from '@/app/_components/code-fields';
import { FormMessage, SubmitButton } from '@/app/_components/form';
import type { ActionState, FormAction } from '@/lib/action';
import { TrustBrowserField } from './trust-browser-field';

/** `trustDays`: offer "Trust this browser" for that many days (never with a recovery code). */
export function VerifyForm({ action, recovery, trustDays = null }: { action: FormAction; recovery: boolean; trustDays?: number | null }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, {});
  const t = useTranslations('Client.Verify');
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <FormMessage error={state.error} />
      <input type="hidden" name="method" value={recovery ? 'recovery' : 'code'} />
      {recovery ? <RecoveryCodeField errors={state.fieldErrors?.recoveryCode} /> : <CodeField errors={state.fieldErrors?.code} />}
      {!recovery && trustDays !== null ? <TrustBrowserField id="trust-code" days={trustDays} /> : null}
      <SubmitButton className="btn-primary w-full">{t('submit')}</SubmitButton>
    </form>
  );
}
