import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import Link from 'next/link';
import { requireAdmin } from '@/lib/auth/current';
import { stepUpFactors, stepUpNeedsCode } from '@/lib/auth/step-up';
import { config } from '@/lib/config';
import { AddUserForm } from './add-user-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('AdminMetadata'))('addUser') };
}

/** Adds a user to the admin's organization: a password user is invited by mail, an SSO user signs in through the IdP. */
export default async function AddUserPage() {
  const current = await requireAdmin();
  const t = await getTranslations('AdminChanges');
  const sso = config().oidc;
  return (
    <section className="card max-w-xl space-y-4" aria-labelledby="add-user-heading">
      <h2 id="add-user-heading" className="text-xl font-semibold">{t('addTitle', { org: current.org.name })}</h2>
      <p>
        {t('addText')}
        {sso ? t('addTextSso', { name: sso.name }) : ''}
      </p>
      <AddUserForm ssoName={sso?.name ?? null} needsCode={stepUpNeedsCode(current)} factors={stepUpFactors(current)} cancel={<Link href="/admin/users" className="btn-secondary no-underline">{t('cancel')}</Link>} />
    </section>
  );
}
