import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { requireSession } from '@/lib/auth/current';
import { PasswordForm } from './password-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('Password'))('title') };
}

export default async function PasswordPage() {
  const { user } = await requireSession();
  const t = await getTranslations('Password');
  return (
    <div className="card space-y-4">
      <h2 className="text-xl font-semibold">{t('heading')}</h2>
      {user.signInMethod === 'sso' ? <p>{t('sso')}</p> : <PasswordForm />}
    </div>
  );
}
