import type { ReactNode } from 'react';
import { getTranslations } from 'next-intl/server';
import { ClientMessages } from '@/app/_components/client-messages';
import { ProfileTabs } from './tabs';

export default async function ProfileLayout({ children }: { children: ReactNode }) {
  const t = await getTranslations('Layout');
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t('profile')}</h1>
      <ProfileTabs />
      <ClientMessages area="account">{children}</ClientMessages>
    </div>
  );
}
