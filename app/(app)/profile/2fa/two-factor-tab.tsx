'use client';

import Link from 'next/link';
import { useActionState, type ReactNode } from 'react';
import { ConfirmCodeStep } from '@/app/_components/code-fields';
import { SecondFactorFields, StepUpFields, type StepUpFactors } from '@/app/_components/step-up-fields';
import { Field, FormMessage, SubmitButton } from '@/app/_components/form';
import { RecoveryCodes, SavedCodesCheckbox } from '@/app/_components/recovery-codes';
import { StepHeading } from '@/app/_components/step-heading';
import type { ActionState } from '@/lib/action';
import { cancelEnrollmentAction, confirmEnrollmentAction, disableAction, reconfigureAction, regenerateCodesAction, startEnrollmentAction } from './actions';
import { finishAddKeyAction } from './key-actions';
import { SecurityKeys, type KeysView } from './security-keys';

export type StepUpKind = 'reconfigure' | 'regenerate' | 'disable';

export interface TabView {
  state: 'unavailable' | 'setup' | 'enrolling' | 'enabled';
  email: string;
  appName: string;
  required: boolean;
  since?: string;
  codesLeft: number;
  canManage: boolean;
  canDisable: boolean;
  stepUp: StepUpKind | null;
  needsCode: boolean;
  reconfiguring: boolean;
  recovered: boolean;
  /** Another session of this user has a setup in progress: nothing of it is shown here. */
  setupElsewhere: boolean;
  hasApp: boolean;
  keys: KeysView;
}

/**
 * The 2FA tab. It stays mounted across its actions, so the recovery codes that confirming or
 * regenerating returns are shown in that one response — with JavaScript or without.
 */
export function TwoFactorTab({ view, enrollment }: { view: TabView; enrollment?: ReactNode }) {
  const [confirmState, confirmAction] = useActionState<ActionState, FormData>(confirmEnrollmentAction, {});
  const [regenState, regenAction] = useActionState<ActionState, FormData>(regenerateCodesAction, {});
  const [keyState, keyAction] = useActionState<ActionState, FormData>(finishAddKeyAction, {});
  const codes = confirmState.codes ?? regenState.codes ?? keyState.codes;
  const keyTask = view.keys.task !== null;
  if (codes) {
    return (
      <div className="card space-y-4">
        <FormMessage ok={confirmState.ok ?? regenState.ok ?? keyState.ok} />
        <RecoveryCodes codes={codes} email={view.email} appName={view.appName}>
          <form action="/profile/2fa" method="get" className="space-y-4">
            <SavedCodesCheckbox />
            <button type="submit" className="btn-primary">
              Done
            </button>
          </form>
        </RecoveryCodes>
      </div>
    );
  }
  return (
    <div className="card space-y-6">
      {view.setupElsewhere ? <SetupElsewhere enabled={view.state === 'enabled'} /> : null}
      {view.state === 'unavailable' ? <Unavailable /> : null}
      {/* A key task (add, rename, remove) has the page to itself: one password field, one form. */}
      {keyTask && view.state !== 'enrolling' ? <h2 className="text-xl font-semibold">Two-factor authentication</h2> : null}
      {view.state === 'setup' && !keyTask ? <SetUp view={view} /> : null}
      {view.state === 'enrolling' ? <Enrolling view={view} enrollment={enrollment} state={confirmState} action={confirmAction} /> : null}
      {view.state === 'enabled' && !keyTask ? <Enabled view={view} regenState={regenState} regenAction={regenAction} /> : null}
      {view.state === 'setup' || view.state === 'enabled' ? <SecurityKeys view={view.keys} finish={keyAction} finishState={keyState} /> : null}
    </div>
  );
}

function SetupElsewhere({ enabled }: { enabled: boolean }) {
  return (
    <p role="status" className="rounded-md border border-amber-400 bg-amber-50 p-3 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
      A setup was started on another device. It can only be finished there. To {enabled ? 'reconfigure 2FA' : 'set up 2FA'} on this device instead, start
      again here: the other setup then stops working.
    </p>
  );
}

function Unavailable() {
  return (
    <>
      <h2 className="text-xl font-semibold">Two-factor authentication</h2>
      <p>Your organization has not enabled two-factor authentication. Ask your administrator if you would like to use it.</p>
    </>
  );
}

function SetUp({ view }: { view: TabView }) {
  const [state, action] = useActionState<ActionState, FormData>(startEnrollmentAction, {});
  return (
    <>
      <h2 className="text-xl font-semibold">Two-factor authentication is off</h2>
      {view.required ? <p className="font-medium">Your organization requires two-factor authentication for your account.</p> : null}
      <p>With two-factor authentication, signing in takes your password and a 6-digit code from an app on your phone. Setting it up takes three steps:</p>
      <ol className="list-decimal space-y-1 pl-6">
        <li>Install an authenticator app on your phone.</li>
        <li>Scan the QR code we show you.</li>
        <li>Enter the code the app shows, then save your recovery codes.</li>
      </ol>
      <form action={action} className="space-y-4" noValidate>
        <FormMessage error={state.error} />
        <Field name="password" label="Password" type="password" autoComplete="current-password" required errors={state.fieldErrors?.password} hint="To enable 2FA, first confirm your password." />
        <SubmitButton>Enable 2FA</SubmitButton>
      </form>
    </>
  );
}

/** A user with keys only may add the app beside them (the codes they have stay). */
function AddApp({ needsCode, factors }: { needsCode: boolean; factors: StepUpFactors }) {
  const [state, action] = useActionState<ActionState, FormData>(startEnrollmentAction, {});
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage error={state.error} />
      <p>To add an authenticator app, first confirm it&apos;s you.</p>
      <StepUpFields needsCode={needsCode} state={state} factors={factors} />
      <SubmitButton className="btn-secondary">Add an authenticator app</SubmitButton>
    </form>
  );
}

function Enrolling({ view, enrollment, state, action }: { view: TabView; enrollment: ReactNode; state: ActionState; action: (f: FormData) => void }) {
  return (
    <>
      <StepHeading className="text-xl font-semibold">{view.reconfiguring ? 'Move 2FA to a new authenticator' : 'Set up two-factor authentication'}</StepHeading>
      {view.reconfiguring ? <p>Your current authenticator and recovery codes keep working until you confirm the new one.</p> : null}
      {enrollment}
      <ConfirmCodeStep action={action} state={state} />
      <form action={cancelEnrollmentAction}>
        <button type="submit" className="btn-secondary">
          Cancel
        </button>
      </form>
    </>
  );
}

function Enabled({ view, regenState, regenAction }: { view: TabView; regenState: ActionState; regenAction: (f: FormData) => void }) {
  const low = view.codesLeft <= 3;
  return (
    <>
      <h2 className="text-xl font-semibold">Two-factor authentication is on</h2>
      {view.recovered && view.canManage ? (
        <p role="status" className="rounded-md border border-amber-400 bg-amber-50 p-3 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
          You signed in with a recovery code. If you no longer have your authenticator, reconfigure 2FA now.
        </p>
      ) : null}
      <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2">
        {view.hasApp ? (
          <>
            <dt className="font-medium">Enabled since</dt>
            <dd>{view.since}</dd>
          </>
        ) : (
          <>
            <dt className="font-medium">Authenticator app</dt>
            <dd>Not set up</dd>
          </>
        )}
        <dt className="font-medium">Recovery codes left</dt>
        <dd data-testid="codes-left" className={low ? 'font-semibold text-red-700 dark:text-red-400' : undefined}>
          {view.codesLeft} of 10{low ? ' — running low: regenerate them soon.' : ''}
        </dd>
      </dl>
      {view.required ? <p>Your organization requires two-factor authentication, so it cannot be turned off.</p> : null}
      {!view.hasApp && view.canManage && !view.stepUp ? <AddApp needsCode={view.needsCode} factors={view.keys.factors} /> : null}
      {view.stepUp ? (
        <StepUp kind={view.stepUp} needsCode={view.needsCode} factors={view.keys.factors} regenState={regenState} regenAction={regenAction} />
      ) : (
        <ul className="flex flex-wrap gap-3">
          {view.canManage ? (
            <>
              {view.hasApp ? (
                <li>
                  <Link className="btn-secondary no-underline" href="/profile/2fa?action=reconfigure">
                    Reconfigure 2FA
                  </Link>
                </li>
              ) : null}
              <li>
                <Link className="btn-secondary no-underline" href="/profile/2fa?action=regenerate">
                  Regenerate recovery codes
                </Link>
              </li>
            </>
          ) : null}
          {view.canDisable ? (
            <li>
              <Link className="btn-secondary no-underline" href="/profile/2fa?action=disable">
                {view.keys.keys.length ? 'Remove authenticator app' : 'Disable 2FA'}
              </Link>
            </li>
          ) : null}
        </ul>
      )}
    </>
  );
}

const stepUpText: Record<StepUpKind, { title: string; explain: string; button: string }> = {
  reconfigure: { title: 'Reconfigure 2FA', explain: 'You will scan a new QR code. Your current authenticator and recovery codes work until you confirm the new one.', button: 'Continue' },
  regenerate: { title: 'Regenerate recovery codes', explain: 'Your current recovery codes stop working at once and you get ten new ones.', button: 'Regenerate recovery codes' },
  disable: { title: 'Disable 2FA', explain: 'Signing in will only need your password. Your authenticator and recovery codes stop working.', button: 'Disable 2FA' },
};

const removeAppText = {
  title: 'Remove authenticator app',
  explain: 'Codes from the app stop working. Your security keys and recovery codes keep working, so two-factor authentication stays on.',
  button: 'Remove authenticator app',
};

function StepUp({ kind, needsCode, factors, regenState, regenAction }: { kind: StepUpKind; needsCode: boolean; factors: StepUpFactors; regenState: ActionState; regenAction: (f: FormData) => void }) {
  const [reconfigureState, reconfigure] = useActionState<ActionState, FormData>(reconfigureAction, {});
  const [disableState, disable] = useActionState<ActionState, FormData>(disableAction, {});
  const [state, action] = kind === 'reconfigure' ? [reconfigureState, reconfigure] : kind === 'disable' ? [disableState, disable] : [regenState, regenAction];
  const text = kind === 'disable' && factors.keys ? removeAppText : stepUpText[kind];
  return (
    <section aria-labelledby="step-up-heading" className="space-y-4 rounded-md border border-slate-300 p-4 dark:border-slate-700">
      <StepHeading level={3} id="step-up-heading" className="text-lg font-semibold">
        {text.title}
      </StepHeading>
      <p>{text.explain}</p>
      <form action={action} className="space-y-4" noValidate>
        <FormMessage error={state.error} />
        <Field name="password" label="Password" type="password" autoComplete="current-password" required errors={state.fieldErrors?.password} hint="Confirm it's you." />
        {needsCode || state.fieldErrors?.recoveryCode ? <SecondFactorFields factors={factors} errors={state.fieldErrors ?? {}} /> : null}
        <div className="flex flex-wrap gap-3">
          <SubmitButton className={kind === 'disable' ? 'btn-danger' : 'btn-primary'}>{text.button}</SubmitButton>
          <Link className="btn-secondary no-underline" href="/profile/2fa">
            Cancel
          </Link>
        </div>
      </form>
    </section>
  );
}
