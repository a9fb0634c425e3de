import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { requireSession } from '@/lib/auth/current';

export default async function HomePage() {
  const { user, org, method } = await requireSession();
  const t = await getTranslations('Home');
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t('welcome', { name: user.name })}</h1>
      <div className="card">
        <dl className="grid grid-cols-1 gap-x-6 gap-y-3 sm:grid-cols-[max-content_1fr]">
          <dt className="font-medium">{t('email')}</dt>
          <dd>{user.email}</dd>
          <dt className="font-medium">{t('organization')}</dt>
          <dd>{org.name}</dd>
          <dt className="font-medium">{t('role')}</dt>
          <dd>{t(user.role === 'admin' ? 'admin' : 'member')}</dd>
          <dt className="font-medium">{t('signedInWith')}</dt>
          <dd>{t(method === 'sso' ? 'method.sso' : method === 'passkey' ? 'method.passkey' : 'method.password')}</dd>
          <dt className="font-medium">{t('policy')}</dt>
          <dd>{t(`policies.${org.twoFactorPolicy}`)}</dd>
        </dl>
      </div>
      <ul className="flex flex-wrap gap-4">
        <li>
          <Link href="/profile/2fa">{t('twoFactor')}</Link>
        </li>
        <li>
          <Link href="/profile/password">{t('changePassword')}</Link>
        </li>
        {user.role === 'admin' ? (
          <li>
            <Link href="/admin/users">{t('administration')}</Link>
          </li>
        ) : null}
      </ul>
    </div>
  );
}
