'use client';

import { useActionState, type ReactNode } from 'react';
import { useTranslations } from 'next-intl';
import { AddKeyForm } from '@/app/_components/add-key-form';
import { ConfirmCodeStep } from '@/app/_components/code-fields';
import { FormMessage, SubmitButton } from '@/app/_components/form';
import { RecoveryCodes, SavedCodesCheckbox } from '@/app/_components/recovery-codes';
import type { ActionState, FormAction } from '@/lib/action';

interface Props {
  confirm: FormAction;
  proceed: FormAction;
  /** Adding a security key instead of the app: options, then the browser's answer. */
  keyBegin: FormAction;
  keyFinish: FormAction;
  email: string;
  appName: string;
  /** The QR code and key, drawn on the server; absent once the code was verified. */
  enrollment?: ReactNode;
}

/** Steps 2–4 of the forced setup; stays mounted so the codes show in the confirming response. */
export function SetupSteps({ confirm, proceed, keyBegin, keyFinish, email, appName, enrollment }: Props) {
  const [appState, confirmAction] = useActionState<ActionState, FormData>(confirm, {});
  const [keyState, keyAction] = useActionState<ActionState, FormData>(keyFinish, {});
  const state = keyState.codes ? keyState : appState;
  const [proceedState, proceedAction] = useActionState<ActionState, FormData>(proceed, {});
  const t = useTranslations('Client.Setup');
  if (state.codes || !enrollment) {
    const form = (
      <form action={proceedAction} className="space-y-4">
        <FormMessage error={proceedState.error} />
        {state.codes ? <SavedCodesCheckbox /> : <input type="hidden" name="saved" value="yes" />}
        <SubmitButton>{t('continue')}</SubmitButton>
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
        <p>{t('isOn')}</p>
        {form}
      </>
    );
  }
  return (
    <>
      <section aria-labelledby="setup-key-heading" className="space-y-4">
        <h2 id="setup-key-heading" className="text-xl font-semibold">
          {t('keyHeading')}
        </h2>
        <p>{t('keyIntro')}</p>
        <AddKeyForm begin={keyBegin} finish={keyAction} finishError={keyState.error} submitLabel={t('addKey')} />
      </section>
      <section aria-labelledby="setup-app-heading" className="space-y-4">
        <h2 id="setup-app-heading" className="text-xl font-semibold">
          {t('appHeading')}
        </h2>
        {enrollment}
        <ConfirmCodeStep action={confirmAction} state={appState} />
      </section>
    </>
  );
}
