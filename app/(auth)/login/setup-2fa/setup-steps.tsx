'use client';

import { useActionState, type ReactNode } from 'react';
import { ConfirmCodeStep } from '@/app/_components/code-fields';
import { FormMessage, SubmitButton } from '@/app/_components/form';
import { RecoveryCodes, SavedCodesCheckbox } from '@/app/_components/recovery-codes';
import type { ActionState, FormAction } from '@/lib/action';

interface Props {
  confirm: FormAction;
  proceed: FormAction;
  email: string;
  appName: string;
  /** The QR code and key, drawn on the server; absent once the code was verified. */
  enrollment?: ReactNode;
}

/** Steps 2–4 of the forced setup; stays mounted so the codes show in the confirming response. */
export function SetupSteps({ confirm, proceed, email, appName, enrollment }: Props) {
  const [state, confirmAction] = useActionState<ActionState, FormData>(confirm, {});
  const [proceedState, proceedAction] = useActionState<ActionState, FormData>(proceed, {});
  if (state.codes || !enrollment) {
    const form = (
      <form action={proceedAction} className="space-y-4">
        <FormMessage error={proceedState.error} />
        {state.codes ? <SavedCodesCheckbox /> : <input type="hidden" name="saved" value="yes" />}
        <SubmitButton>Continue</SubmitButton>
      </form>
    );
    return state.codes ? (
      <>
        <FormMessage ok={state.ok} />
        <RecoveryCodes codes={state.codes} email={email} appName={appName}>
          {form}
        </RecoveryCodes>
      </>
    ) : (
      <>
        <p>Two-factor authentication is on for your account.</p>
        {form}
      </>
    );
  }
  return (
    <>
      {enrollment}
      <ConfirmCodeStep action={confirmAction} state={state} />
    </>
  );
}
