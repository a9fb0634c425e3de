import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { getLocale } from 'next-intl/server';
import { ClientMessages } from '@/app/_components/client-messages';
import { config } from '@/lib/config';
import { isLocale, DEFAULT_LOCALE } from '@/lib/i18n/locales';
import './globals.css';

// Every page is rendered per request: the CSP nonce and the session check need it.
export const dynamic = 'force-dynamic';

export function generateMetadata(): Metadata {
  return { title: { default: config().appName, template: `%s · ${config().appName}` } };
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The request's locale (lib/i18n/request.ts): the user's choice, else the browser's, else English.
  const requested = await getLocale();
  const locale = isLocale(requested) ? requested : DEFAULT_LOCALE;
  return (
    <html lang={locale}>
      <body className="min-h-screen">
        <ClientMessages area="public">{children}</ClientMessages>
      </body>
    </html>
  );
}
