'use client';

import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { FormMessage, SubmitButton } from '@/app/_components/form';
import type { ActionState } from '@/lib/action';
import { setPasskeySignInAction } from '../actions';

// Each choice's label and text: Client.PasskeyForm.<value> and <value>Text.
const choices = ['on', 'off'] as const;

export function PasskeyForm({ allowed }: { allowed: boolean }) {
  const t = useTranslations('Client.PasskeyForm');
  const [state, action] = useActionState<ActionState, FormData>(setPasskeySignInAction, {});
  const chosen = state.values?.passkeySignIn ?? (allowed ? 'on' : 'off');
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage error={state.error} ok={state.ok} />
      <fieldset className="space-y-3">
        <legend className="font-medium">{t('legend')}</legend>
        {choices.map((c) => (
          <div key={c} className="flex gap-3">
            <input type="radio" id={`passkey-${c}`} name="passkeySignIn" value={c} defaultChecked={chosen === c} aria-describedby={`passkey-${c}-text`} className="mt-1 h-4 w-4" />
            <div>
              <label htmlFor={`passkey-${c}`} className="font-medium">{t(c)}</label>
              <p id={`passkey-${c}-text`} className="text-sm text-slate-700 dark:text-slate-300">{t(`${c}Text`)}</p>
            </div>
          </div>
        ))}
      </fieldset>
      <SubmitButton>{t('submit')}</SubmitButton>
    </form>
  );
}
