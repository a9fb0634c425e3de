import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { orgUser, statusOf } from '@/db/queries/admin-users';
import { requireAdmin } from '@/lib/auth/current';
import { stepUpFactors, stepUpNeedsCode } from '@/lib/auth/step-up';
import { AdminChangeForm } from './admin-change-form';
import { DeactivateExplanation, ReactivateExplanation, RevokeExplanation } from './reset-dialog';

// (The titles are written here: a client module's plain objects are references on the server.)
/** The confirmation step of a deactivation, reactivation or revoked invitation: a page of its own, so it works without JavaScript. */
export async function StatusChangePage({ params, change }: { params: Promise<{ id: string }>; change: 'deactivate' | 'reactivate' | 'revoke-invitation' }) {
  const current = await requireAdmin();
  const t = await getTranslations('AdminChanges');
  const id = Number((await params).id);
  const target = Number.isSafeInteger(id) && id > 0 ? await orgUser(current.org.id, id) : undefined;
  if (!target) notFound();
  if (target.id === current.user.id) {
    return <p className="card">{t('selfDeactivate')} <Link href="/admin/users">{t('back')}</Link></p>;
  }
  const status = statusOf(target);
  if (change === 'revoke-invitation' ? status !== 'invited' : (status === 'deactivated') === (change === 'deactivate')) {
    const why = change === 'revoke-invitation' ? 'noInvitation' : status === 'deactivated' ? 'alreadyDeactivated' : 'notDeactivated';
    return <p className="card">{t(why, { name: target.name })} <Link href="/admin/users">{t('back')}</Link></p>;
  }
  const title = t(`title.${change}`, { name: target.name });
  const explanation = { deactivate: <DeactivateExplanation email={target.email} />, reactivate: <ReactivateExplanation email={target.email} />, 'revoke-invitation': <RevokeExplanation email={target.email} /> }[change];
  return (
    <section className="card max-w-xl space-y-4" aria-labelledby="status-heading">
      <h2 id="status-heading" className="text-xl font-semibold">{title}</h2>
      <p>{explanation}</p>
      <AdminChangeForm change={change} userId={target.id} needsCode={stepUpNeedsCode(current)} factors={stepUpFactors(current)} cancel={<Link href="/admin/users" className="btn-secondary no-underline">{t('cancel')}</Link>} />
    </section>
  );
}
