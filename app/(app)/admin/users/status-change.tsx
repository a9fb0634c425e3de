import Link from 'next/link';
import { notFound } from 'next/navigation';
import { orgUser, statusOf } from '@/db/queries/admin-users';
import { requireAdmin } from '@/lib/auth/current';
import { stepUpFactors, stepUpNeedsCode } from '@/lib/auth/step-up';
import { AdminChangeForm } from './admin-change-form';
import { DeactivateExplanation, ReactivateExplanation } from './reset-dialog';

// (The titles are written here: a client module's plain objects are references on the server.)
/** The confirmation step of a deactivation or reactivation: a page of its own, so it works without JavaScript. */
export async function StatusChangePage({ params, change }: { params: Promise<{ id: string }>; change: 'deactivate' | 'reactivate' }) {
  const current = await requireAdmin();
  const id = Number((await params).id);
  const target = Number.isSafeInteger(id) && id > 0 ? await orgUser(current.org.id, id) : undefined;
  if (!target) notFound();
  if (target.id === current.user.id) {
    return <p className="card">You cannot deactivate your own account. Ask another administrator. <Link href="/admin/users">Back to users</Link></p>;
  }
  const deactivated = statusOf(target) === 'deactivated';
  if (deactivated === (change === 'deactivate')) {
    return <p className="card">{target.name} is {deactivated ? 'already deactivated' : 'not deactivated'}. <Link href="/admin/users">Back to users</Link></p>;
  }
  return (
    <section className="card max-w-xl space-y-4" aria-labelledby="status-heading">
      <h2 id="status-heading" className="text-xl font-semibold">{change === 'deactivate' ? 'Deactivate' : 'Reactivate'} {target.name}?</h2>
      <p>{change === 'deactivate' ? <DeactivateExplanation email={target.email} /> : <ReactivateExplanation email={target.email} />}</p>
      <AdminChangeForm change={change} userId={target.id} needsCode={stepUpNeedsCode(current)} factors={stepUpFactors(current)} cancel={<Link href="/admin/users" className="btn-secondary no-underline">Cancel</Link>} />
    </section>
  );
}
