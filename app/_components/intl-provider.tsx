'use client';

import { NextIntlClientProvider, type AbstractIntlMessages, type IntlError } from 'next-intl';
import { useEffect, type ReactNode } from 'react';

/**
 * next-intl's provider for client components, with the same rule for a missing message as the
 * server (lib/i18n/errors.ts): thrown when `strict`, else logged to the console and shown as its path.
 * Functions cannot cross from server to client, hence this wrapper.
 */
export function IntlProvider({ locale, messages, strict, children }: { locale: string; messages: AbstractIntlMessages; strict: boolean; children: ReactNode }) {
  // A client-side navigation keeps the <html> element the first page drew: after the language changed
  // (the Language tab), its lang attribute must follow the new one for screen readers.
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const onError = (error: IntlError) => {
    if (strict) throw error;
    console.error(error);
  };
  return (
    <NextIntlClientProvider locale={locale} messages={messages} timeZone="UTC" onError={onError} getMessageFallback={({ namespace, key }) => (namespace ? `${namespace}.${key}` : key)}>
      {children}
    </NextIntlClientProvider>
  );
}
