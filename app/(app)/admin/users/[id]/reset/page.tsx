import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { orgUser } from '@/db/queries/admin-users';
import { requireAdmin } from '@/lib/auth/current';
import { isSecondFactorSuspended } from '@/lib/auth/second-factor';
import { hasSecondFactor } from '@/lib/auth/policy';
import { stepUpFactors, stepUpNeedsCode } from '@/lib/auth/step-up';
import { AdminChangeForm } from '../../admin-change-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('AdminMetadata'))('reset') };
}

/** The confirmation step of a reset: a page of its own, so it works without JavaScript. */
export default async function ResetPage({ params }: { params: Promise<{ id: string }> }) {
  const current = await requireAdmin();
  const { user: me, org } = current;
  const t = await getTranslations('AdminChanges');
  const id = Number((await params).id);
  const target = Number.isSafeInteger(id) && id > 0 ? await orgUser(org.id, id) : undefined;
  if (!target || target.signInMethod === 'sso') notFound();
  if (target.id === me.id) {
    return <p className="card">{t.rich('resetSelf', { link: (chunks) => <Link href="/profile/2fa">{chunks}</Link> })}</p>;
  }
  return (
    <section className="card max-w-xl space-y-4" aria-labelledby="reset-heading">
      <h2 id="reset-heading" className="text-xl font-semibold">{t('resetTitle', { name: target.name })}</h2>
      <p>
        {t.rich('resetText', { email: target.email, strong: (chunks) => <strong>{chunks}</strong> })}
        {hasSecondFactor(target) ? '' : t('resetNotSetUp')}
        {t('resetRequired')}
        {isSecondFactorSuspended(target.secondFactorFailures) ? t('resetUnlocks') : ''}
      </p>
      <AdminChangeForm change="reset" userId={target.id} needsCode={stepUpNeedsCode(current)} factors={stepUpFactors(current)} cancel={<Link href="/admin/users" className="btn-secondary no-underline">{t('cancel')}</Link>} />
    </section>
  );
}
