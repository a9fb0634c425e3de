'use client';

import Link from 'next/link';
import { useRef } from 'react';
import { ActionForm } from '@/app/_components/action-form';
import { resetTwoFactorAction } from '../actions';

/**
 * "Reset 2FA" for one row: a link to the confirmation page (works without JavaScript), which with
 * JavaScript opens the same confirmation in a modal <dialog> instead.
 */
export function ResetTwoFactorLink({ userId, name, email }: { userId: number; name: string; email: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = `reset-title-${userId}`;
  return (
    <>
      <Link
        href={`/admin/users/${userId}/reset`}
        className="btn-secondary py-1 no-underline"
        aria-label={`Reset 2FA of ${name}`}
        onClick={(event) => {
          if (!dialog.current?.showModal) return;
          event.preventDefault();
          dialog.current.showModal();
        }}
      >
        Reset 2FA
      </Link>
      <dialog ref={dialog} aria-labelledby={titleId} className="m-auto max-w-lg rounded-xl p-6 text-left backdrop:bg-slate-900/50 dark:bg-slate-900 dark:text-slate-100">
        <h2 id={titleId} className="text-xl font-semibold">
          Reset 2FA of {name}?
        </h2>
        <p className="mt-2">
          This removes the authenticator secret and recovery codes of <strong>{email}</strong> and signs them out everywhere. If 2FA
          is required for them, they set it up again at their next sign-in.
        </p>
        <ActionForm action={resetTwoFactorAction} className="mt-4 space-y-4">
          <input type="hidden" name="userId" value={userId} />
          <div className="space-y-1">
            <label htmlFor={`reason-${userId}`} className="block text-sm font-medium">
              Reason (optional, kept in the audit log)
            </label>
            <input id={`reason-${userId}`} name="reason" maxLength={500} className="input" />
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
      </dialog>
    </>
  );
}
