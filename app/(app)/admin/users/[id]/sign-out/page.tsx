import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { orgUser, statusOf } from '@/db/queries/admin-users';
import { requireAdmin } from '@/lib/auth/current';
import { stepUpFactors, stepUpNeedsCode } from '@/lib/auth/step-up';
import { AdminChangeForm } from '../../admin-change-form';
import { SignOutExplanation } from '../../reset-dialog';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('AdminMetadata'))('signOut') };
}

// (The title is written here: a client module's plain objects are references on the server.)
/** The confirmation step of "Sign out everywhere" without JavaScript (with it, the table's dialog). */
export default async function SignOutEverywherePage({ params }: { params: Promise<{ id: string }> }) {
  const current = await requireAdmin();
  const t = await getTranslations('AdminChanges');
  const id = Number((await params).id);
  const target = Number.isSafeInteger(id) && id > 0 ? await orgUser(current.org.id, id) : undefined;
  if (!target) notFound();
  if (statusOf(target) !== 'active') {
    return <p className="card">{t('noSessions', { name: target.name })} <Link href="/admin/users">{t('back')}</Link></p>;
  }
  return (
    <section className="card max-w-xl space-y-4" aria-labelledby="sign-out-heading">
      <h2 id="sign-out-heading" className="text-xl font-semibold">{t('signOutTitle', { name: target.name })}</h2>
      <p><SignOutExplanation email={target.email} /></p>
      <AdminChangeForm change="sign-out" userId={target.id} needsCode={stepUpNeedsCode(current)} factors={stepUpFactors(current)} cancel={<Link href="/admin/users" className="btn-secondary no-underline">{t('cancel')}</Link>} />
    </section>
  );
}
