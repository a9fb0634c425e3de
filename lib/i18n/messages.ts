import type { Locale } from './locales';
import de from './messages/de.json' with { type: 'json' };
import en from './messages/en.json' with { type: 'json' };

export type Messages = typeof en;

// Both files are bundled (they are small); the keys test keeps them the same shape.
const catalogs: Record<Locale, Messages> = { en, de };

export function loadMessages(locale: Locale): Messages {
  return catalogs[locale];
}
