import { environmentLocale } from '@/lib/i18n/environment';
import { localize, translatorFor, type Translate } from '@/lib/i18n/translate';

/**
 * The CLI's answers in the operator's language (LC_ALL, LC_MESSAGES, LANG: lib/i18n/environment.ts),
 * read when a command answers. Keys live under `Cli.*`; numbers shown as they are go in as strings
 * (ICU would group them: 1,000), and a number decides a plural.
 */
export const say: Translate = (key, values) => translatorFor(environmentLocale())(key, values);

/** A message from lib code (a key, or a sentence not yet turned into one) for the operator. */
export const sayMessage = (text: string): string => localize(text, say);
