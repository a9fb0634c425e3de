'use client';

import { useActionState, useEffect, useState, useTransition, type ReactNode } from 'react';
import { useTranslations } from 'next-intl';
import type { ActionState, FormAction } from '@/lib/action';
import { keysNeedJavaScript } from '@/lib/auth/messages';
import { Field, FormMessage, SubmitButton } from './form';
import { runCeremony, useHydrated } from './webauthn-ceremony';

interface Props {
  /** Checks the name (and whatever `children` adds, a step-up) and answers with registration options. */
  begin: FormAction;
  /** Takes the name and the browser's answer; its state belongs to the caller (recovery codes, errors). */
  finish: (form: FormData) => void;
  finishError?: string;
  submitLabel: string;
  children?: (state: ActionState) => ReactNode;
}

/**
 * Adding a security key or passkey: the user names it, the server answers with options, the
 * browser makes the credential, and the answer goes to `finish`. WebAuthn needs JavaScript:
 * without it a sentence takes the form's place (rendered by the server, replaced once the page runs).
 */
export function AddKeyForm({ begin, finish, finishError, submitLabel, children }: Props) {
  const hydrated = useHydrated();
  const t = useTranslations();
  const [state, beginAction] = useActionState<ActionState, FormData>(begin, {});
  const [problem, setProblem] = useState<{ for: ActionState; message: string } | null>(null);
  const [finishing, startFinishing] = useTransition();

  useEffect(() => {
    const options = state.webauthnOptions;
    if (!options) return;
    let live = true;
    void runCeremony('register', options).then((result) => {
      if (!live) return;
      if ('error' in result) return setProblem({ for: state, message: t(result.error) });
      const form = new FormData();
      form.set('name', state.values?.name ?? '');
      form.set('response', result.response);
      startFinishing(() => finish(form));
    });
    return () => {
      live = false;
    };
  }, [state, finish, t]);

  // Until the page runs (never, with JavaScript off) the sentence stands in for the form.
  if (!hydrated) return <p>{t(keysNeedJavaScript('manage'))}</p>;
  const waiting = (state.webauthnOptions !== undefined && problem?.for !== state) || finishing;
  return (
    <form action={beginAction} className="space-y-4" noValidate>
      <FormMessage error={problem?.for === state ? problem.message : (finishError ?? state.error)} />
      <Field
        name="name"
        label={t('Client.AddKey.name')}
        defaultValue={state.values?.name}
        maxLength={64}
        required
        errors={state.fieldErrors?.name}
        hint={t('Client.AddKey.nameHint')}
      />
      {children?.(state)}
      {waiting ? (
        <p role="status" className="text-sm">
          {t('Client.AddKey.waiting')}
        </p>
      ) : null}
      <SubmitButton>{submitLabel}</SubmitButton>
    </form>
  );
}
