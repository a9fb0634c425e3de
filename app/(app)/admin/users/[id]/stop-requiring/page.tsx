import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { orgUser } from '@/db/queries/admin-users';
import { requireAdmin } from '@/lib/auth/current';
import { hasSecondFactor } from '@/lib/auth/policy';
import { stepUpFactors, stepUpNeedsCode } from '@/lib/auth/step-up';
import { AdminChangeForm } from '../../admin-change-form';

export const metadata: Metadata = { title: 'Stop requiring 2FA' };

/** The confirmation step of clearing a user's 2FA requirement: a page of its own, so it works without JavaScript. */
export default async function StopRequiringPage({ params }: { params: Promise<{ id: string }> }) {
  const current = await requireAdmin();
  const id = Number((await params).id);
  const target = Number.isSafeInteger(id) && id > 0 ? await orgUser(current.org.id, id) : undefined;
  if (!target || target.signInMethod === 'sso') notFound();
  if (!target.twoFactorRequired) {
    return <p className="card">2FA is not required for {target.name}. <Link href="/admin/users">Back to users</Link></p>;
  }
  return (
    <section className="card max-w-xl space-y-4" aria-labelledby="stop-requiring-heading">
      <h2 id="stop-requiring-heading" className="text-xl font-semibold">Stop requiring 2FA for {target.name}?</h2>
      <p>
        <strong>{target.email}</strong> may then turn 2FA off{hasSecondFactor(target) ? '' : ' or leave it unset'}, unless your organization&apos;s policy requires it for everyone.
      </p>
      <AdminChangeForm change="stop-requiring" userId={target.id} needsCode={stepUpNeedsCode(current)} factors={stepUpFactors(current)} cancel={<Link href="/admin/users" className="btn-secondary no-underline">Cancel</Link>} />
    </section>
  );
}
