'use client';

import type { StepUpFactors } from '@/app/_components/step-up-fields';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { createContext, use, useRef, useState, type ReactNode } from 'react';
import { AdminChangeForm, type AdminChange } from './admin-change-form';

interface Target {
  userId: number;
  name: string;
  email: string;
}

const OpenDialog = createContext<((change: AdminChange, target: Target) => boolean) | null>(null);

const strong = (chunks: ReactNode) => <strong>{chunks}</strong>;

/** What each change does, naming the user by email (Client.AdminChange.explain*). */
function Explanation({ change, email }: { change: AdminChange; email: string }) {
  const t = useTranslations('Client.AdminChange');
  const key = ({ reset: 'explainReset', 'stop-requiring': 'explainStopRequiring', deactivate: 'explainDeactivate', reactivate: 'explainReactivate', 'revoke-invitation': 'explainRevoke', 'sign-out': 'explainSignOut' } as const)[change];
  return <>{t.rich(key, { email, strong })}</>;
}

export function SignOutExplanation({ email }: { email: string }) {
  return <Explanation change="sign-out" email={email} />;
}

export function RevokeExplanation({ email }: { email: string }) {
  return <Explanation change="revoke-invitation" email={email} />;
}

export function DeactivateExplanation({ email }: { email: string }) {
  return <Explanation change="deactivate" email={email} />;
}

export function ReactivateExplanation({ email }: { email: string }) {
  return <Explanation change="reactivate" email={email} />;
}

/**
 * One confirmation <dialog> for the whole table: each row's "Reset 2FA" and "Stop requiring 2FA"
 * links fill it with their change and user. (A dialog per row made the page several times heavier.)
 * `needsCode`: the admin's step-up asks for a second factor as well as the password; `factors`: which.
 */
export function ResetDialogProvider({ children, needsCode, factors }: { children: ReactNode; needsCode: boolean; factors: StepUpFactors }) {
  const t = useTranslations('Client.AdminChange');
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState<{ change: AdminChange; target: Target } | null>(null);
  const show = (change: AdminChange, target: Target) => {
    if (!dialog.current?.showModal) return false;
    setOpen({ change, target });
    if (!dialog.current.open) dialog.current.showModal();
    return true;
  };
  return (
    <OpenDialog value={show}>
      {children}
      <dialog ref={dialog} aria-labelledby={open ? 'admin-change-title' : undefined} className="m-auto max-w-lg rounded-xl p-6 text-left backdrop:bg-slate-900/50 dark:bg-slate-900 dark:text-slate-100">
        {open ? (
          <div className="space-y-4">
            <h2 id="admin-change-title" className="text-xl font-semibold">
              {t(`title.${open.change}`, { name: open.target.name })}
            </h2>
            <p>
              <Explanation change={open.change} email={open.target.email} />
            </p>
            <AdminChangeForm
              key={`${open.change}-${open.target.userId}`}
              change={open.change}
              userId={open.target.userId}
              needsCode={needsCode}
              factors={factors}
              cancel={
                <button type="button" className="btn-secondary" onClick={() => dialog.current?.close()}>
                  {t('cancel')}
                </button>
              }
            />
          </div>
        ) : null}
      </dialog>
    </OpenDialog>
  );
}

/** A row's link to a change's confirmation page (works without JavaScript), which opens the dialog instead when it can. */
function ChangeLink({ change, target }: { change: AdminChange; target: Target }) {
  const t = useTranslations('Client.AdminChange');
  const show = use(OpenDialog);
  return (
    <Link
      href={`/admin/users/${target.userId}/${change}`}
      className="btn-secondary py-1 no-underline"
      aria-label={t(`link.${change}`, { name: target.name })}
      onClick={(event) => {
        if (show?.(change, target)) event.preventDefault();
      }}
    >
      {t(`button.${change}`)}
    </Link>
  );
}

export function ResetTwoFactorLink(target: Target) {
  return <ChangeLink change="reset" target={target} />;
}

export function StopRequiringLink(target: Target) {
  return <ChangeLink change="stop-requiring" target={target} />;
}

export function DeactivateLink(target: Target) {
  return <ChangeLink change="deactivate" target={target} />;
}

export function ReactivateLink(target: Target) {
  return <ChangeLink change="reactivate" target={target} />;
}

export function RevokeInvitationLink(target: Target) {
  return <ChangeLink change="revoke-invitation" target={target} />;
}

export function SignOutEverywhereLink(target: Target) {
  return <ChangeLink change="sign-out" target={target} />;
}
