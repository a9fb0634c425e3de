import { getTranslations } from 'next-intl/server';
import { config } from '@/lib/config';
import { qrSvg } from '@/lib/auth/qr';
import { groupedKey, otpauthUri, spokenKey } from '@/lib/auth/totp';
import { CopyKeyButton } from './copy-key-button';

/** Steps 1–2 of enrollment, drawn on the server: which app to use, the QR code, and the key to type instead. */
export async function EnrollmentDetails({ secret, email }: { secret: string; email: string }) {
  const key = groupedKey(secret);
  const spoken = spokenKey(secret);
  const svg = await qrSvg(otpauthUri(secret, config().appName, email));
  const t = await getTranslations('Enrollment');
  const alt = await getTranslations('TwoFactor');
  return (
    <ol className="space-y-6">
      <li className="space-y-2">
        <h3 className="font-semibold">{t('installHeading')}</h3>
        <p>{t('installText')}</p>
      </li>
      <li className="space-y-2">
        <h3 className="font-semibold">{t('scanHeading')}</h3>
        <p>{t('scanText')}</p>
        <div className="flex flex-col items-start gap-4 sm:flex-row sm:items-center">
          <div role="img" aria-label={alt('qrAlt', { appName: config().appName, key: spoken })} className="h-48 w-48 shrink-0 bg-white p-1 [&>svg]:h-full [&>svg]:w-full" dangerouslySetInnerHTML={{ __html: svg }} />
          <div>
            <p className="text-sm text-slate-600 dark:text-slate-400" id="setup-key-label">
              {t('keyLabel')}
            </p>
            {/* Wrapped only at the spaces between groups, never inside one (320 px to any width). */}
            <p aria-hidden="true" className="mt-1 font-mono text-lg tracking-wider" data-testid="setup-key">
              {key}
            </p>
            <p className="sr-only">{spoken}</p>
            <CopyKeyButton secret={secret} />
            <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{t('account', { email })}</p>
          </div>
        </div>
      </li>
    </ol>
  );
}
