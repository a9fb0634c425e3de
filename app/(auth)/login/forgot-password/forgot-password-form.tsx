'use client';

import Link from 'next/link';
import { useActionState, useEffect, useRef } from 'react';
import { useTranslations } from 'next-intl';
import { Field, FormMessage, SubmitButton } from '@/app/_components/form';
import type { ActionState, FormAction } from '@/lib/action';

export function ForgotPasswordForm({ action }: { action: FormAction }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, {});
  const answer = useRef<HTMLParagraphElement>(null);
  const t = useTranslations('Client.ForgotPassword');
  // The answer replaces the form and its focused button: focus moves to the answer rather than being lost.
  useEffect(() => {
    if (state.ok) answer.current?.focus();
  }, [state.ok]);
  return (
    <div>
      {/* The live region is on the page before the answer arrives, so that screen readers announce it. */}
      <div aria-live="polite" aria-atomic="true">
        {state.ok ? (
          <p ref={answer} role="status" tabIndex={-1} className="rounded-md border border-green-300 bg-green-50 p-3 text-sm text-green-800 dark:border-green-800 dark:bg-green-950 dark:text-green-200">
            {state.ok}
          </p>
        ) : null}
      </div>
      {state.ok ? (
        <p className="mt-4">
          <Link href="/login">{t('back')}</Link>
        </p>
      ) : (
        <form action={formAction} className="space-y-4" noValidate>
          <FormMessage error={state.error} />
          <Field name="email" label={t('email')} type="email" autoComplete="username" required defaultValue={state.values?.email} errors={state.fieldErrors?.email} />
          <SubmitButton className="btn-primary w-full">{t('send')}</SubmitButton>
          <p className="text-sm">
            <Link href="/login">{t('back')}</Link>
          </p>
        </form>
      )}
    </div>
  );
}
