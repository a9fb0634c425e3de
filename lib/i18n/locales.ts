import { LOCALES, type Locale } from '@/db/enums';

export { LOCALES, type Locale };
export const DEFAULT_LOCALE: Locale = 'en';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * The best of our locales for an Accept-Language header (RFC 9110 §12.5.4), or null when it names
 * none of them. A tag counts by its primary language (de-AT is German); q=0 refuses a language;
 * equal weights keep the header's order; `*` means "anything", which leaves the choice to the caller.
 * Header values are bounded (Node limits the header size) and parsed without backtracking regexes.
 */
export function negotiateLocale(header: string | null | undefined): Locale | null {
  if (!header) return null;
  const ranked: { locale: Locale; q: number; order: number }[] = [];
  header.split(',').forEach((part, order) => {
    const [tag = '', ...params] = part.trim().split(';');
    const language = tag.trim().toLowerCase().split('-')[0];
    if (!isLocale(language)) return;
    const qParam = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(q) || q <= 0 || q > 1) return;
    ranked.push({ locale: language, q, order });
  });
  ranked.sort((a, b) => b.q - a.q || a.order - b.order);
  return ranked[0]?.locale ?? null;
}
