'use client';

import { useTranslations } from 'next-intl';
import { Field, FormMessage, SubmitButton } from './form';

/** The 6-digit code input, as authenticator apps and password managers expect it. */
export function CodeField({ errors, label, required = true, idPrefix = '' }: { errors?: string[]; label?: string; required?: boolean; idPrefix?: string }) {
  const t = useTranslations('Client.Code');
  return (
    <Field
      name="code"
      id={`${idPrefix}code`}
      label={label ?? t('label')}
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9 ]*"
      maxLength={7}
      required={required}
      errors={errors}
      hint={t('hint')}
      className="input max-w-48 font-mono text-lg tracking-widest"
    />
  );
}

export function RecoveryCodeField({ errors, label, required = true, idPrefix = '' }: { errors?: string[]; label?: string; required?: boolean; idPrefix?: string }) {
  const t = useTranslations('Client.Code');
  return <Field name="recoveryCode" id={`${idPrefix}recoveryCode`} label={label ?? t('recoveryLabel')} autoComplete="off" autoCapitalize="characters" spellCheck={false} maxLength={40} required={required} errors={errors} hint={t('recoveryHint')} className="input max-w-72 font-mono" />;
}

/** Step 3 of enrollment (profile and forced setup alike): the code the app shows turns 2FA on. */
export function ConfirmCodeStep({ action, state }: { action: (formData: FormData) => void; state: { error?: string; fieldErrors?: Record<string, string[] | undefined> } }) {
  const t = useTranslations('Client.Code');
  return (
    <section className="space-y-2">
      <h3 className="font-semibold">{t('confirmHeading')}</h3>
      <form action={action} className="space-y-4" noValidate>
        <FormMessage error={state.error} />
        <CodeField errors={state.fieldErrors?.code} />
        <SubmitButton>{t('confirmSubmit')}</SubmitButton>
      </form>
    </section>
  );
}
