'use client';

import Link from 'next/link';
import { createContext, use, useRef, useState, type ReactNode } from 'react';
import { ActionForm } from '@/app/_components/action-form';
import { resetTwoFactorAction } from '../actions';

interface Target {
  userId: number;
  name: string;
  email: string;
}

const OpenReset = createContext<((target: Target) => boolean) | null>(null);

/**
 * One confirmation <dialog> for the whole table: each row's "Reset 2FA" link fills it with its user.
 * (A dialog per row made the page several times heavier.)
 */
export function ResetDialogProvider({ children }: { children: ReactNode }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [target, setTarget] = useState<Target | null>(null);
  const open = (next: Target) => {
    if (!dialog.current?.showModal) return false;
    setTarget(next);
    if (!dialog.current.open) dialog.current.showModal();
    return true;
  };
  return (
    <OpenReset value={open}>
      {children}
      <dialog ref={dialog} aria-labelledby={target ? 'reset-title' : undefined} className="m-auto max-w-lg rounded-xl p-6 text-left backdrop:bg-slate-900/50 dark:bg-slate-900 dark:text-slate-100">
        {target ? (
          <>
            <h2 id="reset-title" className="text-xl font-semibold">
              Reset 2FA of {target.name}?
            </h2>
            <p className="mt-2">
              This removes the authenticator secret and recovery codes of <strong>{target.email}</strong> and signs them out everywhere. If
              2FA is required for them, they set it up again at their next sign-in.
            </p>
            {/* Keyed by user: another user's dialog starts with an empty reason and no old message. */}
            <ActionForm key={target.userId} action={resetTwoFactorAction} className="mt-4 space-y-4">
              <input type="hidden" name="userId" value={target.userId} />
              <div className="space-y-1">
                <label htmlFor="reset-reason" className="block text-sm font-medium">
                  Reason (optional, kept in the audit log)
                </label>
                <input id="reset-reason" name="reason" maxLength={500} className="input" />
              </div>
              <div className="flex gap-3">
                <button type="submit" className="btn-danger">
                  Reset 2FA
                </button>
                <button type="button" className="btn-secondary" onClick={() => dialog.current?.close()}>
                  Cancel
                </button>
              </div>
            </ActionForm>
          </>
        ) : null}
      </dialog>
    </OpenReset>
  );
}

/** "Reset 2FA" for one row: a link to the confirmation page (works without JavaScript), which opens the dialog instead when it can. */
export function ResetTwoFactorLink(target: Target) {
  const open = use(OpenReset);
  return (
    <Link
      href={`/admin/users/${target.userId}/reset`}
      className="btn-secondary py-1 no-underline"
      aria-label={`Reset 2FA of ${target.name}`}
      onClick={(event) => {
        if (open?.(target)) event.preventDefault();
      }}
    >
      Reset 2FA
    </Link>
  );
}
