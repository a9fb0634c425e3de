'use client';

import { useActionState } from 'react';
import { Field, FormMessage, SubmitButton } from '@/app/_components/form';
import type { ActionState, FormAction } from '@/lib/action';

export function ResetPasswordForm({ action, email }: { action: FormAction; email: string }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, {});
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <FormMessage error={state.error} />
      {/* For password managers: the account the new password belongs to. */}
      <input type="email" name="username" value={email} autoComplete="username" readOnly hidden />
      <Field name="newPassword" label="New password" type="password" autoComplete="new-password" required errors={state.fieldErrors?.newPassword} hint="8 to 72 bytes. A long passphrase is easiest to remember." />
      <Field name="confirmPassword" label="Repeat the new password" type="password" autoComplete="new-password" required errors={state.fieldErrors?.confirmPassword} />
      <SubmitButton className="btn-primary w-full">Set the new password</SubmitButton>
    </form>
  );
}
