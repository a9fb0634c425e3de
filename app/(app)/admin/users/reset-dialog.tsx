'use client';

import type { StepUpFactors } from '@/app/_components/step-up-fields';
import Link from 'next/link';
import { createContext, use, useRef, useState, type ReactNode } from 'react';
import { AdminChangeForm, changeText, type AdminChange } from './admin-change-form';

interface Target {
  userId: number;
  name: string;
  email: string;
}

const OpenDialog = createContext<((change: AdminChange, target: Target) => boolean) | null>(null);

const explain: Record<AdminChange, (email: string) => ReactNode> = {
  reset: (email) => (
    <>
      This removes the authenticator app, security keys, passkeys and recovery codes of <strong>{email}</strong> and signs them out everywhere. If 2FA is required for them, they set it up
      again at their next sign-in.
    </>
  ),
  'stop-requiring': (email) => (
    <>
      <strong>{email}</strong> may then turn 2FA off, unless your organization&apos;s policy requires it for everyone.
    </>
  ),
  deactivate: (email) => <DeactivateExplanation email={email} />,
  reactivate: (email) => <ReactivateExplanation email={email} />,
  'revoke-invitation': (email) => <RevokeExplanation email={email} />,
  'sign-out': (email) => <SignOutExplanation email={email} />,
};

export function SignOutExplanation({ email }: { email: string }) {
  return (
    <>
      Every session of <strong>{email}</strong> ends at once, in every browser; they can sign in again as before. If that is your own account, you are signed out too.
    </>
  );
}

export function RevokeExplanation({ email }: { email: string }) {
  return (
    <>
      The account of <strong>{email}</strong>, who has not accepted the invitation yet, is removed; the link in their mail stops working.
    </>
  );
}

export function DeactivateExplanation({ email }: { email: string }) {
  return (
    <>
      <strong>{email}</strong> is signed out everywhere at once and cannot sign in until an administrator reactivates them. Their invitation or password-reset link, if any, stops working.
    </>
  );
}

export function ReactivateExplanation({ email }: { email: string }) {
  return (
    <>
      <strong>{email}</strong> can sign in again as before: with their password and 2FA, or through the identity provider.
    </>
  );
}

/**
 * One confirmation <dialog> for the whole table: each row's "Reset 2FA" and "Stop requiring 2FA"
 * links fill it with their change and user. (A dialog per row made the page several times heavier.)
 * `needsCode`: the admin's step-up asks for a second factor as well as the password; `factors`: which.
 */
export function ResetDialogProvider({ children, needsCode, factors }: { children: ReactNode; needsCode: boolean; factors: StepUpFactors }) {
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
              {changeText[open.change].title(open.target.name)}
            </h2>
            <p>{explain[open.change](open.target.email)}</p>
            <AdminChangeForm
              key={`${open.change}-${open.target.userId}`}
              change={open.change}
              userId={open.target.userId}
              needsCode={needsCode}
              factors={factors}
              cancel={
                <button type="button" className="btn-secondary" onClick={() => dialog.current?.close()}>
                  Cancel
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
function ChangeLink({ change, target, label, children }: { change: AdminChange; target: Target; label: string; children: ReactNode }) {
  const show = use(OpenDialog);
  return (
    <Link
      href={`/admin/users/${target.userId}/${change}`}
      className="btn-secondary py-1 no-underline"
      aria-label={label}
      onClick={(event) => {
        if (show?.(change, target)) event.preventDefault();
      }}
    >
      {children}
    </Link>
  );
}

export function ResetTwoFactorLink(target: Target) {
  return (
    <ChangeLink change="reset" target={target} label={`Reset 2FA of ${target.name}`}>
      Reset 2FA
    </ChangeLink>
  );
}

export function StopRequiringLink(target: Target) {
  return (
    <ChangeLink change="stop-requiring" target={target} label={`Stop requiring 2FA for ${target.name}`}>
      Stop requiring 2FA
    </ChangeLink>
  );
}

export function DeactivateLink(target: Target) {
  return (
    <ChangeLink change="deactivate" target={target} label={`Deactivate ${target.name}`}>
      Deactivate
    </ChangeLink>
  );
}

export function ReactivateLink(target: Target) {
  return (
    <ChangeLink change="reactivate" target={target} label={`Reactivate ${target.name}`}>
      Reactivate
    </ChangeLink>
  );
}

export function RevokeInvitationLink(target: Target) {
  return (
    <ChangeLink change="revoke-invitation" target={target} label={`Revoke invitation of ${target.name}`}>
      Revoke invitation
    </ChangeLink>
  );
}

export function SignOutEverywhereLink(target: Target) {
  return (
    <ChangeLink change="sign-out" target={target} label={`Sign out everywhere for ${target.name}`}>
      Sign out everywhere
    </ChangeLink>
  );
}
