'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useTranslations } from 'next-intl';

const tabs = [
  { href: '/profile/2fa', label: 'twoFactor' },
  { href: '/profile/password', label: 'password' },
  { href: '/profile/sessions', label: 'devices' },
  { href: '/profile/language', label: 'language' },
] as const;

export function ProfileTabs() {
  const path = usePathname();
  const t = useTranslations('Client.ProfileTabs');
  return (
    <nav aria-label={t('label')} className="border-b border-slate-300 dark:border-slate-700">
      <ul className="flex gap-6">
        {tabs.map((tab) => {
          const active = path === tab.href;
          return (
            <li key={tab.href}>
              <Link
                href={tab.href}
                aria-current={active ? 'page' : undefined}
                className={`-mb-px inline-block border-b-2 px-1 py-2 no-underline ${active ? 'border-brand-600 font-semibold text-slate-900 dark:border-blue-300 dark:text-slate-100' : 'border-transparent text-slate-700 dark:text-slate-300'}`}
              >
                {t(tab.label)}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
