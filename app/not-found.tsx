import Link from 'next/link';
import { getTranslations } from 'next-intl/server';

export default async function NotFound() {
  const t = await getTranslations('NotFound');
  return (
    <main className="mx-auto max-w-md px-4 py-16 text-center">
      <h1 className="text-2xl font-semibold">{t('heading')}</h1>
      <p className="mt-4">
        {t('text')} <Link href="/">{t('link')}</Link>
      </p>
    </main>
  );
}
