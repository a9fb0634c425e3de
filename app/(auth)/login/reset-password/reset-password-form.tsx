'use client';

import { useActionState } from 'react';
import { useTranslations } from 'next-intl';
import { Field, FormMessage, SubmitButton } from '@/app/_components/form';
import type { ActionState, FormAction } from '@/lib/action';

export function ResetPasswordForm({ action, email }: { action: FormAction; email: string }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, {});
  const t = useTranslations('Client.NewPassword');
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <FormMessage error={state.error} />
      {/* For password managers: the account the new password belongs to. */}
      <input type="email" name="username" value={email} autoComplete="username" readOnly hidden />
      <Field name="newPassword" label={t('label')} type="password" autoComplete="new-password" required errors={state.fieldErrors?.newPassword} hint={t('hint')} />
      <Field name="confirmPassword" label={t('repeat')} type="password" autoComplete="new-password" required errors={state.fieldErrors?.confirmPassword} />
      <SubmitButton className="btn-primary w-full">{t('reset')}</SubmitButton>
    </form>
  );
}
