'use client';

import Link from 'next/link';
import { useActionState, type ReactNode } from 'react';
import { useTranslations } from 'next-intl';
import { AddKeyForm } from '@/app/_components/add-key-form';
import { Field, FormMessage, SubmitButton } from '@/app/_components/form';
import { StepHeading } from '@/app/_components/step-heading';
import { StepUpFields, type StepUpFactors } from '@/app/_components/step-up-fields';
import { useHydrated } from '@/app/_components/webauthn-ceremony';
import type { ActionState } from '@/lib/action';
import { keysNeedJavaScript } from '@/lib/auth/messages';
import { removeKeyAction, renameKeyAction, startAddKeyAction } from './key-actions';

export interface KeyView {
  credentialId: string;
  name: string;
  added: string;
  lastUsed: string | null;
  /** It may sign in on its own (it checked a PIN or biometrics when added, and the organization allows passkey sign-in). */
  passkey: boolean;
}

export type KeyTask = { kind: 'add' } | { kind: 'rename' | 'remove'; key: KeyView } | null;

export interface KeysView {
  keys: KeyView[];
  canAdd: boolean;
  task: KeyTask;
  needsCode: boolean;
  factors: StepUpFactors;
  /** The only key of a user without the app, while 2FA is required: it cannot be removed. */
  lastRequired: boolean;
}

/** "Security keys and passkeys" on the 2FA tab: the list, and one task at a time (add, rename, remove). */
export function SecurityKeys({ view, finish, finishState }: { view: KeysView; finish: (form: FormData) => void; finishState: ActionState }) {
  const { task } = view;
  const t = useTranslations('Client.SecurityKeys');
  return (
    <section aria-labelledby="keys-heading" className="space-y-4">
      <h3 id="keys-heading" className="text-lg font-semibold">
        {t('heading')}
      </h3>
      <p>{t('intro')}</p>
      {view.keys.length ? <KeyList keys={view.keys} /> : <p>{t('none')}</p>}
      {view.lastRequired ? <p>{t('lastRequired')}</p> : null}
      {task?.kind === 'add' ? (
        <AddKey view={view} finish={finish} finishState={finishState} />
      ) : task?.kind === 'rename' ? (
        <RenameKey keyView={task.key} />
      ) : task?.kind === 'remove' ? (
        <RemoveKey keyView={task.key} view={view} />
      ) : view.canAdd ? (
        <AddKeyLink />
      ) : null}
    </section>
  );
}

function KeyList({ keys }: { keys: KeyView[] }) {
  const t = useTranslations('Client.SecurityKeys');
  return (
    <ul className="divide-y divide-slate-200 rounded-md border border-slate-300 dark:divide-slate-700 dark:border-slate-700" aria-label={t('listLabel')}>
      {keys.map((key) => (
        <li key={key.credentialId} className="flex flex-wrap items-center justify-between gap-3 p-3">
          <div>
            <p className="font-medium">{key.name}</p>
            <p className="text-sm text-slate-600 dark:text-slate-400">
              {key.lastUsed ? t('addedUsed', { added: key.added, lastUsed: key.lastUsed }) : t('addedNeverUsed', { added: key.added })}
            </p>
            <p className="text-sm text-slate-600 dark:text-slate-400">{t(key.passkey ? 'passkey' : 'afterPassword')}</p>
          </div>
          <div className="flex gap-2">
            <Link className="btn-secondary py-1 no-underline" href={`/profile/2fa?action=rename-key&key=${encodeURIComponent(key.credentialId)}`} aria-label={t('renameLabel', { name: key.name })}>
              {t('rename')}
            </Link>
            <Link className="btn-secondary py-1 no-underline" href={`/profile/2fa?action=remove-key&key=${encodeURIComponent(key.credentialId)}`} aria-label={t('removeLabel', { name: key.name })}>
              {t('remove')}
            </Link>
          </div>
        </li>
      ))}
    </ul>
  );
}

function AddKeyLink() {
  const hydrated = useHydrated();
  const t = useTranslations();
  if (!hydrated) return <p>{t(keysNeedJavaScript('manage'))}</p>;
  return (
    <Link className="btn-secondary inline-block no-underline" href="/profile/2fa?action=add-key">
      {t('Client.SecurityKeys.add')}
    </Link>
  );
}

function Task({ title, children }: { title: string; children: ReactNode }) {
  const t = useTranslations('Client.SecurityKeys');
  return (
    <section aria-labelledby="key-task-heading" className="space-y-4 rounded-md border border-slate-300 p-4 dark:border-slate-700">
      <StepHeading level={3} id="key-task-heading" className="text-lg font-semibold">
        {title}
      </StepHeading>
      {children}
      <Link className="btn-secondary inline-block no-underline" href="/profile/2fa">
        {t('cancel')}
      </Link>
    </section>
  );
}

function AddKey({ view, finish, finishState }: { view: KeysView; finish: (form: FormData) => void; finishState: ActionState }) {
  const t = useTranslations('Client.SecurityKeys');
  return (
    <Task title={t('add')}>
      <p>{t('addIntro')}</p>
      <AddKeyForm begin={startAddKeyAction} finish={finish} finishError={finishState.error} submitLabel={t('continue')}>
        {(state) => <StepUpFields needsCode={view.needsCode} state={state} factors={view.factors} />}
      </AddKeyForm>
    </Task>
  );
}

function RenameKey({ keyView }: { keyView: KeyView }) {
  const [state, action] = useActionState<ActionState, FormData>(renameKeyAction, {});
  const t = useTranslations('Client.SecurityKeys');
  return (
    <Task title={t('renameTitle', { name: keyView.name })}>
      <form action={action} className="space-y-4" noValidate>
        <FormMessage error={state.error} />
        <input type="hidden" name="credentialId" value={keyView.credentialId} />
        <Field name="name" label={t('newName')} defaultValue={keyView.name} maxLength={64} required errors={state.fieldErrors?.name} />
        <SubmitButton>{t('rename')}</SubmitButton>
      </form>
    </Task>
  );
}

function RemoveKey({ keyView, view }: { keyView: KeyView; view: KeysView }) {
  const [state, action] = useActionState<ActionState, FormData>(removeKeyAction, {});
  const last = view.keys.length === 1 && !view.factors.app;
  const t = useTranslations('Client.SecurityKeys');
  return (
    <Task title={t('removeTitle', { name: keyView.name })}>
      <p>{t(last ? 'removeLast' : 'removeOther')}</p>
      <form action={action} className="space-y-4" noValidate>
        <FormMessage error={state.error} />
        <input type="hidden" name="credentialId" value={keyView.credentialId} />
        <StepUpFields needsCode={view.needsCode} state={state} factors={view.factors} />
        <SubmitButton className="btn-danger">{t('removeKey')}</SubmitButton>
      </form>
    </Task>
  );
}
