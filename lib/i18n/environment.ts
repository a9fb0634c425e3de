import { DEFAULT_LOCALE, isLocale, type Locale } from './locales';

/**
 * The operator's language for the CLI, from the environment in POSIX order: the first of LC_ALL,
 * LC_MESSAGES and LANG that is set and not empty decides ("de_DE.UTF-8" or "de" is German); C,
 * POSIX, another language or nothing is English.
 */
export function environmentLocale(env: Record<string, string | undefined> = process.env): Locale {
  const setting = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((value) => value !== undefined && value !== '');
  const language = setting?.split(/[_.@-]/)[0]?.toLowerCase();
  return isLocale(language) ? language : DEFAULT_LOCALE;
}
