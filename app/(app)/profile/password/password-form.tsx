'use client';

import { useActionState } from 'react';
import { Field, FormMessage, SubmitButton } from '@/app/_components/form';
import type { ActionState } from '@/lib/action';
import { changePasswordAction } from './actions';

export function PasswordForm() {
  const [state, action] = useActionState<ActionState, FormData>(changePasswordAction, {});
  return (
    <form action={action} className="max-w-md space-y-4" noValidate>
      <FormMessage error={state.error} ok={state.ok} />
      <Field name="currentPassword" label="Current password" type="password" autoComplete="current-password" required errors={state.fieldErrors?.currentPassword} />
      <Field name="newPassword" label="New password" type="password" autoComplete="new-password" required errors={state.fieldErrors?.newPassword} hint="8 to 72 bytes. A long passphrase is easiest to remember." />
      <Field name="confirmPassword" label="Repeat the new password" type="password" autoComplete="new-password" required errors={state.fieldErrors?.confirmPassword} />
      <SubmitButton>Change password</SubmitButton>
    </form>
  );
}
