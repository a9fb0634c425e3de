'use client';

import { useActionState } from 'react';
import { Field, FormMessage, SubmitButton } from '@/app/_components/form';
import type { ActionState } from '@/lib/action';
import { acceptInvitationAction } from './actions';

export function InvitationForm({ email }: { email: string }) {
  const [state, action] = useActionState<ActionState, FormData>(acceptInvitationAction, {});
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage error={state.error} ok={state.ok} />
      {/* For password managers: the account the new password belongs to. */}
      <input type="email" name="username" value={email} autoComplete="username" readOnly hidden />
      <Field name="newPassword" label="New password" type="password" autoComplete="new-password" required errors={state.fieldErrors?.newPassword} hint="8 to 72 bytes. A long passphrase is easiest to remember." />
      <Field name="confirmPassword" label="Repeat the new password" type="password" autoComplete="new-password" required errors={state.fieldErrors?.confirmPassword} />
      <SubmitButton>Set password</SubmitButton>
    </form>
  );
}
