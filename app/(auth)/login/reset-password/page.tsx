import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import Link from 'next/link';
import { RESET_PATH, resetLinkEmail } from '@/lib/accounts/password-reset';
import { readLinkToken } from '@/lib/auth/link-cookie';
import { resetPasswordAction } from './actions';
import { ResetPasswordForm } from './reset-password-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('ResetPassword'))('title') };
}

export default async function ResetPasswordPage() {
  const email = await resetLinkEmail(await readLinkToken(RESET_PATH));
  const t = await getTranslations('ResetPassword');
  if (!email) {
    return (
      <div className="space-y-6">
        <h1 className="text-2xl font-semibold">{t('expiredHeading')}</h1>
        <p>{t('expired')}</p>
        <p>
          <Link href="/login/forgot-password" className="btn-primary no-underline">
            {t('sendNew')}
          </Link>
        </p>
      </div>
    );
  }
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t('heading')}</h1>
      <p>{t.rich('intro', { email, strong: (chunks) => <strong>{chunks}</strong> })}</p>
      <ResetPasswordForm action={resetPasswordAction} email={email} />
    </div>
  );
}
