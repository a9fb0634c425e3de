import { headers } from 'next/headers';
import { getRequestConfig } from 'next-intl/server';
import { currentSession } from '@/lib/auth/current';
import { messageFallback, onIntlError } from './errors';
import { DEFAULT_LOCALE, isLocale, negotiateLocale, type Locale } from './locales';
import { loadMessages } from './messages';

/**
 * The locale of this request (no locale in the URL): the signed-in user's choice on the profile,
 * else the browser's Accept-Language between English and German, else English. next-intl calls this
 * once per request (pages, layouts, server actions); the session read is cached per request too.
 */
export async function requestLocale(): Promise<Locale> {
  // An unreadable session (the database away) leaves the choice to the browser: the answer saying so must still be written.
  const chosen = (await currentSession().catch(() => null))?.user.locale;
  if (isLocale(chosen)) return chosen;
  return negotiateLocale((await headers()).get('accept-language')) ?? DEFAULT_LOCALE;
}

export default getRequestConfig(async () => {
  const locale = await requestLocale();
  return {
    locale,
    messages: loadMessages(locale),
    // Times are shown in UTC everywhere (the deadlines and the audit log say so), in the locale's format.
    timeZone: 'UTC',
    onError: onIntlError,
    getMessageFallback: messageFallback,
  };
});
