'use client';

import { useTranslations } from 'next-intl';
import { useActionState, type ReactNode } from 'react';
import { Field, FormMessage, SubmitButton } from '@/app/_components/form';
import { StepUpFields, type StepUpFactors } from '@/app/_components/step-up-fields';
import type { ActionState } from '@/lib/action';
import { inviteUserAction } from '../invitation-actions';

function Choice({ name, value, label, checked }: { name: string; value: string; label: string; checked: boolean }) {
  return (
    <div className="flex items-center gap-2">
      <input type="radio" id={`${name}-${value}`} name={name} value={value} defaultChecked={checked} className="h-4 w-4" />
      <label htmlFor={`${name}-${value}`}>{label}</label>
    </div>
  );
}

/** Name, email, role, sign-in method (SSO only where an IdP is configured), and the admin's step-up. */
export function AddUserForm({ ssoName, needsCode, factors, cancel }: { ssoName: string | null; needsCode: boolean; factors: StepUpFactors; cancel: ReactNode }) {
  const t = useTranslations('Client.AddUser');
  const [state, action] = useActionState<ActionState, FormData>(inviteUserAction, {});
  const v = state.values ?? {};
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage error={state.error} ok={state.ok} />
      <Field name="name" label={t('name')} autoComplete="off" required maxLength={100} defaultValue={v.name} errors={state.fieldErrors?.name} />
      <Field name="email" label={t('email')} type="email" autoComplete="off" required maxLength={254} defaultValue={v.email} errors={state.fieldErrors?.email} />
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">{t('role')}</legend>
        <Choice name="role" value="member" label={t('member')} checked={(v.role ?? 'member') === 'member'} />
        <Choice name="role" value="admin" label={t('admin')} checked={v.role === 'admin'} />
      </fieldset>
      {ssoName ? (
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">{t('method')}</legend>
          <Choice name="method" value="password" label={t('password')} checked={(v.method ?? 'password') === 'password'} />
          <Choice name="method" value="sso" label={t('sso', { name: ssoName })} checked={v.method === 'sso'} />
        </fieldset>
      ) : (
        <input type="hidden" name="method" value="password" />
      )}
      <fieldset className="space-y-3">
        <legend className="text-sm font-medium">{t('confirm')}</legend>
        <StepUpFields needsCode={needsCode} state={state} factors={factors} />
      </fieldset>
      <div className="flex flex-wrap gap-3">
        <SubmitButton>{t('submit')}</SubmitButton>
        {cancel}
      </div>
    </form>
  );
}
