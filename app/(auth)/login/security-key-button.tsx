'use client';

import { startTransition, useActionState, useRef, useState, type ReactNode } from 'react';
import { browserSupportsWebAuthn } from '@simplewebauthn/browser';
import { useTranslations } from 'next-intl';
import { FormMessage } from '@/app/_components/form';
import { runCeremony, useHydrated } from '@/app/_components/webauthn-ceremony';
import type { ActionState, FormAction } from '@/lib/action';
import { keysNeedJavaScript } from '@/lib/auth/messages';

/**
 * Asks the server for options, lets the browser ask the key (navigator.credentials.get), and posts
 * its answer as one JSON field to `action`. The server's HTML holds a sentence instead, replaced by
 * the button once the page's JavaScript runs: unlike <noscript>, it also stands when scripts are on
 * but never ran (blocked, failed to load).
 */
interface SecurityKeyButtonProps {
  label: string;
  optionsAction: FormAction;
  action: FormAction;
  /** Sent along with the key's answer (e.g. where to go afterwards). */
  fields?: Record<string, string>;
  /** Styled as an alternative to the page's main form. */
  secondary?: boolean;
  /** Inputs shown above the button (e.g. "Trust this browser"), sent along as a form would send them. */
  children?: ReactNode;
}

export function SecurityKeyButton({ label, optionsAction, action, fields = {}, secondary = false, children }: SecurityKeyButtonProps) {
  const [state, dispatch, pending] = useActionState<ActionState, FormData>(action, {});
  const inputs = useRef<HTMLDivElement>(null);
  const [problem, setProblem] = useState<string | undefined>();
  const [asking, setAsking] = useState(false);
  const hydrated = useHydrated();
  const t = useTranslations();
  if (!hydrated) return <p className="rounded-md bg-slate-100 p-3 text-sm dark:bg-slate-800">{t(keysNeedJavaScript('sign-in'))}</p>;
  const NO_ANSWER = t('Client.SecurityKey.noAnswer');

  async function askKey() {
    setProblem(undefined);
    if (!browserSupportsWebAuthn()) return setProblem(t('Client.SecurityKey.unsupported'));
    setAsking(true);
    try {
      const options = await optionsAction({}, new FormData());
      if (!options.values?.options) return setProblem(options.error ?? NO_ANSWER);
      const answer = await runCeremony('authenticate', options.values.options);
      if ('error' in answer) return setProblem(NO_ANSWER);
      const form = new FormData();
      form.set('response', answer.response);
      for (const [name, value] of Object.entries(fields)) form.set(name, value);
      for (const input of inputs.current?.querySelectorAll<HTMLInputElement>('input[name]') ?? []) {
        if (input.type !== 'checkbox' || input.checked) form.set(input.name, input.value);
      }
      startTransition(() => dispatch(form));
    } catch {
      // The options request failed (offline, the server restarting).
      setProblem(NO_ANSWER);
    } finally {
      setAsking(false);
    }
  }

  const error = problem ?? state.error;
  return (
    <div className="space-y-3">
      <FormMessage error={error} />
      {children ? <div ref={inputs}>{children}</div> : null}
      <button type="button" className={`${secondary ? 'btn-secondary' : 'btn-primary'} w-full`} onClick={askKey} disabled={asking || pending} aria-disabled={asking || pending}>
        {label}
      </button>
    </div>
  );
}
