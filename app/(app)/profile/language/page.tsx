import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { ActionForm } from '@/app/_components/action-form';
import { SubmitButton } from '@/app/_components/form';
import { requireSession } from '@/lib/auth/current';
import { LOCALES } from '@/lib/i18n/locales';
import { setLocaleAction } from './actions';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('Profile.language'))('heading') };
}

/** The Language tab: browser default, English or Deutsch (each language named in itself). */
export default async function LanguagePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { user } = await requireSession();
  const t = await getTranslations('Profile.language');
  const saved = (await searchParams).saved === '1';
  return (
    <div className="card space-y-4">
      <h2 className="text-xl font-semibold">{t('heading')}</h2>
      {saved ? (
        <p role="status" className="rounded-md border border-green-300 bg-green-50 p-3 text-sm text-green-800 dark:border-green-800 dark:bg-green-950 dark:text-green-200">
          {t('saved')}
        </p>
      ) : null}
      <ActionForm action={setLocaleAction} className="space-y-4">
        <div className="space-y-1">
          <label htmlFor="locale" className="block text-sm font-medium">
            {t('label')}
          </label>
          <p id="locale-hint" className="text-sm text-slate-600 dark:text-slate-400">
            {t('hint')}
          </p>
          <select id="locale" name="locale" className="input max-w-72" defaultValue={user.locale ?? 'browser'} aria-describedby="locale-hint">
            <option value="browser">{t('browser')}</option>
            {LOCALES.map((locale) => (
              <option key={locale} value={locale} lang={locale}>
                {t(locale)}
              </option>
            ))}
          </select>
        </div>
        <SubmitButton>{t('submit')}</SubmitButton>
      </ActionForm>
    </div>
  );
}
