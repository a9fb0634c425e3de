import Link from 'next/link';
import type { ReactNode } from 'react';
import { getTranslations } from 'next-intl/server';
import { ClientMessages } from '@/app/_components/client-messages';
import { requireAdmin } from '@/lib/auth/current';

export default async function AdminLayout({ children }: { children: ReactNode }) {
  // Pages check again themselves; this keeps members from seeing even the frame.
  const { org } = await requireAdmin();
  const t = await getTranslations('AdminNav');
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t('heading', { org: org.name })}</h1>
      <nav aria-label={t('label')}>
        <ul className="flex flex-wrap gap-6">
          <li>
            <Link href="/admin/users">{t('users')}</Link>
          </li>
          <li>
            <Link href="/admin/settings">{t('settings')}</Link>
          </li>
          <li>
            <Link href="/admin/audit">{t('audit')}</Link>
          </li>
        </ul>
      </nav>
      <ClientMessages area="admin">{children}</ClientMessages>
    </div>
  );
}
