'use client';

import { useActionState } from 'react';
import { useTranslations } from 'next-intl';
import { Field, FormMessage, SubmitButton } from '@/app/_components/form';
import type { ActionState } from '@/lib/action';
import { acceptInvitationAction } from './actions';

export function InvitationForm({ email }: { email: string }) {
  const [state, action] = useActionState<ActionState, FormData>(acceptInvitationAction, {});
  const t = useTranslations('Client.NewPassword');
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage error={state.error} ok={state.ok} />
      {/* For password managers: the account the new password belongs to. */}
      <input type="email" name="username" value={email} autoComplete="username" readOnly hidden />
      <Field name="newPassword" label={t('label')} type="password" autoComplete="new-password" required errors={state.fieldErrors?.newPassword} hint={t('hint')} />
      <Field name="confirmPassword" label={t('repeat')} type="password" autoComplete="new-password" required errors={state.fieldErrors?.confirmPassword} />
      <SubmitButton>{t('invitation')}</SubmitButton>
    </form>
  );
}
