import { environmentLocale } from '@/lib/i18n/environment';
import type { Locale } from '@/lib/i18n/locales';
import { localize, translatorFor, type Translate } from '@/lib/i18n/translate';

// One translator per language (a listing asks for thousands of lines).
const translators = new Map<Locale, Translate>();

/**
 * The CLI's answers in the operator's language (LC_ALL, LC_MESSAGES, LANG: lib/i18n/environment.ts),
 * read when a command answers. Keys live under `Cli.*`; numbers shown as they are go in as strings
 * (ICU would group them: 1,000), and a number decides a plural.
 */
export const say: Translate = (key, values) => {
  const locale = environmentLocale();
  let t = translators.get(locale);
  if (!t) translators.set(locale, (t = translatorFor(locale)));
  return t(key, values);
};

/** A message from lib code (a key, or a sentence not yet turned into one) for the operator. */
export const sayMessage = (text: string): string => localize(text, say);
