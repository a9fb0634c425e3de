import type { ReactNode } from 'react';
import { getLocale } from 'next-intl/server';
import { clientMessages, type ClientArea } from '@/lib/i18n/client-messages';
import { strictMessages } from '@/lib/i18n/errors';
import { DEFAULT_LOCALE, isLocale } from '@/lib/i18n/locales';
import { loadMessages } from '@/lib/i18n/messages';
import { IntlProvider } from './intl-provider';

/** The messages of the client components of `area` (lib/i18n/client-messages.ts), for everything below it. */
export async function ClientMessages({ area, children }: { area: ClientArea; children: ReactNode }) {
  const requested = await getLocale();
  const locale = isLocale(requested) ? requested : DEFAULT_LOCALE;
  return (
    <IntlProvider locale={locale} messages={clientMessages(loadMessages(locale), area)} strict={strictMessages()}>
      {children}
    </IntlProvider>
  );
}
