'use client';

import { Field } from './form';

/** The 6-digit code input, as authenticator apps and password managers expect it. */
export function CodeField({ errors, label = 'Authentication code', required = true }: { errors?: string[]; label?: string; required?: boolean }) {
  return (
    <Field
      name="code"
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

export function RecoveryCodeField({ errors, label = 'Recovery code', required = true }: { errors?: string[]; label?: string; required?: boolean }) {
  return <Field name="recoveryCode" label={label} autoComplete="off" autoCapitalize="characters" spellCheck={false} maxLength={40} required={required} errors={errors} hint="Looks like XXXX-XXXX-XXXX-XXXX." className="input max-w-72 font-mono" />;
}
