import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { orgUser } from '@/db/queries/admin-users';
import { requireAdmin } from '@/lib/auth/current';
import { hasSecondFactor } from '@/lib/auth/policy';
import { stepUpFactors, stepUpNeedsCode } from '@/lib/auth/step-up';
import { AdminChangeForm } from '../../admin-change-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('AdminMetadata'))('stopRequiring') };
}

/** The confirmation step of clearing a user's 2FA requirement: a page of its own, so it works without JavaScript. */
export default async function StopRequiringPage({ params }: { params: Promise<{ id: string }> }) {
  const current = await requireAdmin();
  const t = await getTranslations('AdminChanges');
  const id = Number((await params).id);
  const target = Number.isSafeInteger(id) && id > 0 ? await orgUser(current.org.id, id) : undefined;
  if (!target || target.signInMethod === 'sso') notFound();
  if (!target.twoFactorRequired) {
    return <p className="card">{t('notRequired', { name: target.name })} <Link href="/admin/users">{t('back')}</Link></p>;
  }
  return (
    <section className="card max-w-xl space-y-4" aria-labelledby="stop-requiring-heading">
      <h2 id="stop-requiring-heading" className="text-xl font-semibold">{t('stopTitle', { name: target.name })}</h2>
      <p>
        {t.rich(hasSecondFactor(target) ? 'stopText' : 'stopTextUnset', { email: target.email, strong: (chunks) => <strong>{chunks}</strong> })}
      </p>
      <AdminChangeForm change="stop-requiring" userId={target.id} needsCode={stepUpNeedsCode(current)} factors={stepUpFactors(current)} cancel={<Link href="/admin/users" className="btn-secondary no-underline">{t('cancel')}</Link>} />
    </section>
  );
}
