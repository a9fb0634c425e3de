'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { Field, FormMessage, SubmitButton } from '@/app/_components/form';
import type { ActionState, FormAction } from '@/lib/action';

export function ForgotPasswordForm({ action }: { action: FormAction }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, {});
  if (state.ok) {
    return (
      <div className="space-y-4">
        <p role="status" className="rounded-md border border-green-300 bg-green-50 p-3 text-sm text-green-800 dark:border-green-800 dark:bg-green-950 dark:text-green-200">
          {state.ok}
        </p>
        <p>
          <Link href="/login">Back to sign in</Link>
        </p>
      </div>
    );
  }
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <FormMessage error={state.error} />
      <Field name="email" label="Email" type="email" autoComplete="username" required defaultValue={state.values?.email} errors={state.fieldErrors?.email} />
      <SubmitButton className="btn-primary w-full">Send a link</SubmitButton>
      <p className="text-sm">
        <Link href="/login">Back to sign in</Link>
      </p>
    </form>
  );
}
