'use client';

import { useActionState } from 'react';
import { useTranslations } from 'next-intl';
import { Field, FormMessage, SubmitButton } from '@/app/_components/form';
import type { ActionState } from '@/lib/action';
import { changePasswordAction } from './actions';

export function PasswordForm() {
  const [state, action] = useActionState<ActionState, FormData>(changePasswordAction, {});
  const t = useTranslations('Client');
  return (
    <form action={action} className="max-w-md space-y-4" noValidate>
      <FormMessage error={state.error} ok={state.ok} />
      <Field name="currentPassword" label={t('Password.current')} type="password" autoComplete="current-password" required errors={state.fieldErrors?.currentPassword} />
      <Field name="newPassword" label={t('NewPassword.label')} type="password" autoComplete="new-password" required errors={state.fieldErrors?.newPassword} hint={t('NewPassword.hint')} />
      <Field name="confirmPassword" label={t('NewPassword.repeat')} type="password" autoComplete="new-password" required errors={state.fieldErrors?.confirmPassword} />
      <SubmitButton>{t('Password.submit')}</SubmitButton>
    </form>
  );
}
