import type { Locale } from './locales';

// Times are shown in UTC everywhere, written as each interface language writes them (English as in
// Britain, German as in Germany), with "UTC" after them so nobody takes them for local time.
export const DATE_LOCALES: Record<Locale, string> = { en: 'en-GB', de: 'de-DE' };

/** "3 December 2026 at 15:24 UTC", "3. Dezember 2026 um 15:24 UTC": the 2FA tab's keys, trusted browsers. */
export function formatDateTime(ms: number, locale: Locale): string {
  return new Intl.DateTimeFormat(DATE_LOCALES[locale], { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(ms) + ' UTC';
}

/** The compact form (the Devices list, the users table, mails): "2026-12-03 15:24 UTC" in English (as it always was), "03.12.2026, 15:24 UTC" in German. */
export function formatCompactDateTime(ms: number, locale: Locale): string {
  if (locale === 'en') return new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  return new Intl.DateTimeFormat(DATE_LOCALES[locale], { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(ms) + ' UTC';
}

/** To the second, without the zone (the audit log's column says UTC): "2026-12-03 15:24:09" in English (as always), "03.12.2026, 15:24:09" in German. */
export function formatTimestamp(ms: number, locale: Locale): string {
  if (locale === 'en') return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
  return new Intl.DateTimeFormat(DATE_LOCALES[locale], { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' }).format(ms);
}
