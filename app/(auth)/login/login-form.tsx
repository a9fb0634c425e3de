'use client';

import { useActionState } from 'react';
import { useTranslations } from 'next-intl';
import { Field, FormMessage, SubmitButton } from '@/app/_components/form';
import type { ActionState, FormAction } from '@/lib/action';

export function LoginForm({ action, callbackUrl }: { action: FormAction; callbackUrl: string }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, {});
  const t = useTranslations('Client.Login');
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <FormMessage error={state.error} />
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Field name="email" label={t('email')} type="email" autoComplete="username" required defaultValue={state.values?.email} errors={state.fieldErrors?.email} />
      <Field name="password" label={t('password')} type="password" autoComplete="current-password" required errors={state.fieldErrors?.password} />
      <SubmitButton className="btn-primary w-full">{t('submit')}</SubmitButton>
    </form>
  );
}
