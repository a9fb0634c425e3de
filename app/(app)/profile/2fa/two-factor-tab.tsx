'use client';

import Link from 'next/link';
import { useActionState, type ReactNode } from 'react';
import { useTranslations } from 'next-intl';
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
  const t = useTranslations('Client.TwoFactor');
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
              {t('done')}
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
      {keyTask && view.state !== 'enrolling' ? <h2 className="text-xl font-semibold">{t('heading')}</h2> : null}
      {view.state === 'setup' && !keyTask ? <SetUp view={view} /> : null}
      {view.state === 'enrolling' ? <Enrolling view={view} enrollment={enrollment} state={confirmState} action={confirmAction} /> : null}
      {view.state === 'enabled' && !keyTask ? <Enabled view={view} regenState={regenState} regenAction={regenAction} /> : null}
      {view.state === 'setup' || view.state === 'enabled' ? <SecurityKeys view={view.keys} finish={keyAction} finishState={keyState} /> : null}
    </div>
  );
}

function SetupElsewhere({ enabled }: { enabled: boolean }) {
  const t = useTranslations('Client.TwoFactor');
  return (
    <p role="status" className="rounded-md border border-amber-400 bg-amber-50 p-3 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
      {t(enabled ? 'setupElsewhereReconfigure' : 'setupElsewhereSetUp')}
    </p>
  );
}

function Unavailable() {
  const t = useTranslations('Client.TwoFactor');
  return (
    <>
      <h2 className="text-xl font-semibold">{t('heading')}</h2>
      <p>{t('unavailable')}</p>
    </>
  );
}

function SetUp({ view }: { view: TabView }) {
  const [state, action] = useActionState<ActionState, FormData>(startEnrollmentAction, {});
  const t = useTranslations('Client.TwoFactor');
  return (
    <>
      <h2 className="text-xl font-semibold">{t('offHeading')}</h2>
      {view.required ? <p className="font-medium">{t('requiredForYou')}</p> : null}
      <p>{t('setupIntro')}</p>
      <ol className="list-decimal space-y-1 pl-6">
        <li>{t('setupInstall')}</li>
        <li>{t('setupScan')}</li>
        <li>{t('setupEnter')}</li>
      </ol>
      <form action={action} className="space-y-4" noValidate>
        <FormMessage error={state.error} />
        <Field name="password" label={t('password')} type="password" autoComplete="current-password" required errors={state.fieldErrors?.password} hint={t('enableHint')} />
        <SubmitButton>{t('enable')}</SubmitButton>
      </form>
    </>
  );
}

/** A user with keys only may add the app beside them (the codes they have stay). */
function AddApp({ needsCode, factors }: { needsCode: boolean; factors: StepUpFactors }) {
  const [state, action] = useActionState<ActionState, FormData>(startEnrollmentAction, {});
  const t = useTranslations('Client.TwoFactor');
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage error={state.error} />
      <p>{t('addAppIntro')}</p>
      <StepUpFields needsCode={needsCode} state={state} factors={factors} />
      <SubmitButton className="btn-secondary">{t('addApp')}</SubmitButton>
    </form>
  );
}

function Enrolling({ view, enrollment, state, action }: { view: TabView; enrollment: ReactNode; state: ActionState; action: (f: FormData) => void }) {
  const t = useTranslations('Client.TwoFactor');
  return (
    <>
      <StepHeading className="text-xl font-semibold">{t(view.reconfiguring ? 'moveHeading' : 'setupHeading')}</StepHeading>
      {view.reconfiguring ? <p>{t('reconfiguringNote')}</p> : null}
      {enrollment}
      <ConfirmCodeStep action={action} state={state} />
      <form action={cancelEnrollmentAction}>
        <button type="submit" className="btn-secondary">
          {t('cancel')}
        </button>
      </form>
    </>
  );
}

function Enabled({ view, regenState, regenAction }: { view: TabView; regenState: ActionState; regenAction: (f: FormData) => void }) {
  const low = view.codesLeft <= 3;
  const t = useTranslations('Client.TwoFactor');
  return (
    <>
      <h2 className="text-xl font-semibold">{t('onHeading')}</h2>
      {view.recovered && view.canManage ? (
        <p role="status" className="rounded-md border border-amber-400 bg-amber-50 p-3 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
          {t('recovered')}
        </p>
      ) : null}
      <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2">
        {view.hasApp ? (
          <>
            <dt className="font-medium">{t('enabledSince')}</dt>
            <dd>{view.since}</dd>
          </>
        ) : (
          <>
            <dt className="font-medium">{t('app')}</dt>
            <dd>{t('notSetUp')}</dd>
          </>
        )}
        <dt className="font-medium">{t('codesLeftLabel')}</dt>
        <dd data-testid="codes-left" className={low ? 'font-semibold text-red-700 dark:text-red-400' : undefined}>
          {t(low ? 'codesLow' : 'codesLeft', { left: view.codesLeft })}
        </dd>
      </dl>
      {view.required ? <p>{t('required')}</p> : null}
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
                    {t('reconfigure')}
                  </Link>
                </li>
              ) : null}
              <li>
                <Link className="btn-secondary no-underline" href="/profile/2fa?action=regenerate">
                  {t('regenerate')}
                </Link>
              </li>
            </>
          ) : null}
          {view.canDisable ? (
            <li>
              <Link className="btn-secondary no-underline" href="/profile/2fa?action=disable">
                {t(view.keys.keys.length ? 'removeApp' : 'disable')}
              </Link>
            </li>
          ) : null}
        </ul>
      )}
    </>
  );
}

function StepUp({ kind, needsCode, factors, regenState, regenAction }: { kind: StepUpKind; needsCode: boolean; factors: StepUpFactors; regenState: ActionState; regenAction: (f: FormData) => void }) {
  const [reconfigureState, reconfigure] = useActionState<ActionState, FormData>(reconfigureAction, {});
  const [disableState, disable] = useActionState<ActionState, FormData>(disableAction, {});
  const [state, action] = kind === 'reconfigure' ? [reconfigureState, reconfigure] : kind === 'disable' ? [disableState, disable] : [regenState, regenAction];
  const t = useTranslations('Client.TwoFactor');
  // Disabling while keys remain only removes the app: 2FA stays on.
  const text = `stepUp.${kind === 'disable' && factors.keys ? 'removeApp' : kind}` as const;
  return (
    <section aria-labelledby="step-up-heading" className="space-y-4 rounded-md border border-slate-300 p-4 dark:border-slate-700">
      <StepHeading level={3} id="step-up-heading" className="text-lg font-semibold">
        {t(`${text}.title`)}
      </StepHeading>
      <p>{t(`${text}.explain`)}</p>
      <form action={action} className="space-y-4" noValidate>
        <FormMessage error={state.error} />
        <Field name="password" label={t('password')} type="password" autoComplete="current-password" required errors={state.fieldErrors?.password} hint={t('confirmHint')} />
        {needsCode || state.fieldErrors?.recoveryCode ? <SecondFactorFields factors={factors} errors={state.fieldErrors ?? {}} /> : null}
        <div className="flex flex-wrap gap-3">
          <SubmitButton className={kind === 'disable' ? 'btn-danger' : 'btn-primary'}>{t(`${text}.button`)}</SubmitButton>
          <Link className="btn-secondary no-underline" href="/profile/2fa">
            {t('cancel')}
          </Link>
        </div>
      </form>
    </section>
  );
}
