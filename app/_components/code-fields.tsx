'use client';

import { Field, FormMessage, SubmitButton } from './form';

/** The 6-digit code input, as authenticator apps and password managers expect it. */
export function CodeField({ errors, label = 'Authentication code', required = true, idPrefix = '' }: { errors?: string[]; label?: string; required?: boolean; idPrefix?: string }) {
  return (
    <Field
      name="code"
      id={`${idPrefix}code`}
      label={label}
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9 ]*"
      maxLength={7}
      required={required}
      errors={errors}
      hint="The 6-digit code your authenticator app shows now."
      className="input max-w-48 font-mono text-lg tracking-widest"
    />
  );
}

export function RecoveryCodeField({ errors, label = 'Recovery code', required = true, idPrefix = '' }: { errors?: string[]; label?: string; required?: boolean; idPrefix?: string }) {
  return <Field name="recoveryCode" id={`${idPrefix}recoveryCode`} label={label} autoComplete="off" autoCapitalize="characters" spellCheck={false} maxLength={40} required={required} errors={errors} hint="Looks like XXXX-XXXX-XXXX-XXXX." className="input max-w-72 font-mono" />;
}

/** Step 3 of enrollment (profile and forced setup alike): the code the app shows turns 2FA on. */
export function ConfirmCodeStep({ action, state }: { action: (formData: FormData) => void; state: { error?: string; fieldErrors?: Record<string, string[] | undefined> } }) {
  return (
    <section className="space-y-2">
      <h3 className="font-semibold">3. Enter the code from the app</h3>
      <form action={action} className="space-y-4" noValidate>
        <FormMessage error={state.error} />
        <CodeField errors={state.fieldErrors?.code} />
        <SubmitButton>Verify and turn on</SubmitButton>
      </form>
    </section>
  );
}
