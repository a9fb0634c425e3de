import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ActionForm } from '@/app/_components/action-form';
import { orgUser } from '@/db/queries/admin-users';
import { requireAdmin } from '@/lib/auth/current';
import { resetTwoFactorAction } from '../../../actions';

export const metadata: Metadata = { title: 'Reset 2FA' };

/** The confirmation step of a reset: a page of its own, so it works without JavaScript. */
export default async function ResetPage({ params }: { params: Promise<{ id: string }> }) {
  const { user: me, org } = await requireAdmin();
  const id = Number((await params).id);
  const target = Number.isSafeInteger(id) && id > 0 ? orgUser(org.id, id) : undefined;
  if (!target || target.signInMethod === 'sso') notFound();
  if (target.id === me.id) {
    return <p className="card">You cannot reset your own 2FA here. <Link href="/profile/2fa">Use your profile</Link> instead.</p>;
  }
  return (
    <section className="card max-w-xl space-y-4" aria-labelledby="reset-heading">
      <h2 id="reset-heading" className="text-xl font-semibold">Reset 2FA of {target.name}?</h2>
      <p>
        This removes the authenticator secret and recovery codes of <strong>{target.email}</strong> and signs them out everywhere.
        {target.totpEnabledAt ? '' : ' They have not set up 2FA yet; any setup in progress is cancelled.'} If 2FA is required for them, they set it up again at their next sign-in.
      </p>
      <ActionForm action={resetTwoFactorAction} className="space-y-4">
        <input type="hidden" name="userId" value={target.id} />
        <div className="space-y-1">
          <label htmlFor="reason" className="block text-sm font-medium">Reason (optional, kept in the audit log)</label>
          <input id="reason" name="reason" maxLength={500} className="input" placeholder="Lost phone" />
        </div>
        <div className="flex gap-3">
          <button type="submit" className="btn-danger">Reset 2FA</button>
          <Link href="/admin/users" className="btn-secondary no-underline">Cancel</Link>
        </div>
      </ActionForm>
    </section>
  );
}
