'use client';

import { useActionState } from 'react';
import { FormMessage, SubmitButton } from '@/app/_components/form';
import type { ActionState } from '@/lib/action';
import { setPasskeySignInAction } from '../actions';

const choices = [
  { value: 'on', label: 'Allowed', text: 'People who added a passkey (a security key or device that verifies them, e.g. with a fingerprint or PIN) can sign in with it alone: it stands for the password and the second step. SSO users are not affected.' },
  { value: 'off', label: 'Not allowed', text: 'Everyone signs in with email and password; security keys and passkeys still work as the second step.' },
] as const;

export function PasskeyForm({ allowed }: { allowed: boolean }) {
  const [state, action] = useActionState<ActionState, FormData>(setPasskeySignInAction, {});
  const chosen = state.values?.passkeySignIn ?? (allowed ? 'on' : 'off');
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage error={state.error} ok={state.ok} />
      <fieldset className="space-y-3">
        <legend className="font-medium">Sign-in with a passkey</legend>
        {choices.map((c) => (
          <div key={c.value} className="flex gap-3">
            <input type="radio" id={`passkey-${c.value}`} name="passkeySignIn" value={c.value} defaultChecked={chosen === c.value} aria-describedby={`passkey-${c.value}-text`} className="mt-1 h-4 w-4" />
            <div>
              <label htmlFor={`passkey-${c.value}`} className="font-medium">{c.label}</label>
              <p id={`passkey-${c.value}-text`} className="text-sm text-slate-700 dark:text-slate-300">{c.text}</p>
            </div>
          </div>
        ))}
      </fieldset>
      <SubmitButton>Save passkey setting</SubmitButton>
    </form>
  );
}
