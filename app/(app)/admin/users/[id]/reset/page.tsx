import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { orgUser } from '@/db/queries/admin-users';
import { requireAdmin } from '@/lib/auth/current';
import { isSecondFactorSuspended } from '@/lib/auth/second-factor';
import { hasSecondFactor } from '@/lib/auth/policy';
import { stepUpFactors, stepUpNeedsCode } from '@/lib/auth/step-up';
import { AdminChangeForm } from '../../admin-change-form';

export const metadata: Metadata = { title: 'Reset 2FA' };

/** The confirmation step of a reset: a page of its own, so it works without JavaScript. */
export default async function ResetPage({ params }: { params: Promise<{ id: string }> }) {
  const current = await requireAdmin();
  const { user: me, org } = current;
  const id = Number((await params).id);
  const target = Number.isSafeInteger(id) && id > 0 ? await orgUser(org.id, id) : undefined;
  if (!target || target.signInMethod === 'sso') notFound();
  if (target.id === me.id) {
    return <p className="card">You cannot reset your own 2FA here. <Link href="/profile/2fa">Use your profile</Link> instead.</p>;
  }
  return (
    <section className="card max-w-xl space-y-4" aria-labelledby="reset-heading">
      <h2 id="reset-heading" className="text-xl font-semibold">Reset 2FA of {target.name}?</h2>
      <p>
        This removes the authenticator app, security keys, passkeys and recovery codes of <strong>{target.email}</strong> and signs them out everywhere.
        {hasSecondFactor(target) ? '' : ' They have not set up 2FA yet; any setup in progress is cancelled.'} If 2FA is required for them, they set it up again at their next sign-in.
        {isSecondFactorSuspended(target.secondFactorFailures) ? ' It also unlocks their second step, locked after too many failed attempts.' : ''}
      </p>
      <AdminChangeForm change="reset" userId={target.id} needsCode={stepUpNeedsCode(current)} factors={stepUpFactors(current)} cancel={<Link href="/admin/users" className="btn-secondary no-underline">Cancel</Link>} />
    </section>
  );
}
