'use client';

import { useRef, useState, type MouseEvent } from 'react';
import { useTranslations } from 'next-intl';
import type { FormAction } from '@/lib/action';
import { runCeremony, useHydrated } from './webauthn-ceremony';

/**
 * Step-up with a security key: asks the server for a challenge bound to this session, lets the
 * key answer it, puts the answer in the form and submits the form. Without JavaScript a sentence
 * says so (the recovery code beside it still works).
 */
export function KeyAssertionField({ options, errors }: { options: FormAction; errors?: string[] }) {
  const hydrated = useHydrated();
  const answer = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const t = useTranslations();

  async function useKey(event: MouseEvent<HTMLButtonElement>) {
    const form = event.currentTarget.form;
    if (!form) return;
    const password = form.elements.namedItem('password');
    if (password instanceof HTMLInputElement && password.value === '') {
      setProblem(t('Client.StepUp.passwordFirst'));
      password.focus();
      return;
    }
    setBusy(true);
    setProblem(null);
    const state = await options({}, new FormData());
    if (!state.webauthnOptions) {
      setBusy(false);
      return setProblem(state.error ?? t('Client.StepUp.tryAgain'));
    }
    const result = await runCeremony('authenticate', state.webauthnOptions);
    setBusy(false);
    if ('error' in result) return setProblem(t(result.error));
    answer.current!.value = result.response;
    form.requestSubmit();
  }

  const message = problem ?? errors?.[0];
  return (
    <div className="space-y-2">
      <input type="hidden" name="webauthnResponse" ref={answer} defaultValue="" />
      {hydrated ? (
        <button type="button" className="btn-secondary" onClick={useKey} disabled={busy} aria-disabled={busy}>
          {t(busy ? 'Client.StepUp.waiting' : 'Client.StepUp.useKey')}
        </button>
      ) : (
        <p>{t('Client.StepUp.needsJavaScript')}</p>
      )}
      {message ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {message}
        </p>
      ) : null}
    </div>
  );
}
