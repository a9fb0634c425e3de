import { useTranslations } from 'next-intl';

/**
 * "Trust this browser for N days" at the second step (#17), shown only when the organization allows
 * it. Inside the code form it posts with it; beside the key button that button reads it.
 */
export function TrustBrowserField({ days, id }: { days: number; id: string }) {
  const t = useTranslations('Client.Verify');
  return (
    <div className="flex gap-3">
      <input type="checkbox" id={id} name="trust" value="yes" aria-describedby={`${id}-hint`} className="mt-1 h-5 w-5" />
      <div>
        <label htmlFor={id} className="font-medium">
          {t('trust', { days })}
        </label>
        <p id={`${id}-hint`} className="text-sm text-slate-700 dark:text-slate-300">
          {t('trustHint')}
        </p>
      </div>
    </div>
  );
}
