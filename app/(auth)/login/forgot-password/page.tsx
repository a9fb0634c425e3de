import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { requestPasswordResetAction } from './actions';
import { ForgotPasswordForm } from './forgot-password-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('ForgotPassword'))('title') };
}

export default async function ForgotPasswordPage() {
  const t = await getTranslations('ForgotPassword');
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t('heading')}</h1>
      <p>{t('intro')}</p>
      <ForgotPasswordForm action={requestPasswordResetAction} />
    </div>
  );
}
