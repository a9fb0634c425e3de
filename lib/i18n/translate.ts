import { createTranslator } from 'use-intl/core';
import type { ActionState } from '@/lib/action';
import { MAX_PASSWORD_BYTES, MIN_PASSWORD_LENGTH } from '@/lib/validation/fields';
import { messageFallback, onIntlError } from './errors';
import { DEFAULT_LOCALE, type Locale } from './locales';
import { loadMessages } from './messages';

/**
 * Schemas and actions speak in message keys ("Validation.email"), never in sentences: whoever shows
 * the message translates it for the reader's locale — the action wrapper (lib/action.ts) for forms,
 * the CLI in English. A key is a dotted path starting with a capitalized namespace; a sentence (with
 * spaces) is passed through unchanged, so strings not yet turned into keys keep working.
 */
const MESSAGE_KEY = /^[A-Z][A-Za-z0-9]*(?:\.[A-Za-z0-9_]+)+(?:\?\S*)?$/;

export function isMessageKey(text: string): boolean {
  return MESSAGE_KEY.test(text);
}

/** `Key?name=value&%23count=3` (lib/i18n/keys.ts message()) as the key and its values: a number where it was marked as one, text otherwise. */
function parseKeyed(text: string): { key: string; values: Record<string, string | number> } {
  const at = text.indexOf('?');
  if (at < 0) return { key: text, values: {} };
  const values: Record<string, string | number> = {};
  for (const [name, value] of new URLSearchParams(text.slice(at + 1))) {
    if (name.startsWith('#')) values[name.slice(1)] = Number(value);
    else values[name] = value;
  }
  return { key: text.slice(0, at), values };
}

/** Values every message may use: the limits the schemas enforce, so a message never repeats a number by hand. */
export const MESSAGE_VALUES = { minPasswordLength: MIN_PASSWORD_LENGTH, maxPasswordBytes: MAX_PASSWORD_BYTES } as const;

export type Translate = (key: string, values?: Record<string, string | number | Date>) => string;

const translators = new Map<Locale, Translate>();

/**
 * A translator outside a request (the CLI, tests, an action that already knows its locale). One per
 * language, made on first use and kept: the catalog never changes while the process runs, and its
 * compiled messages and formatters are then reused by every request and every line of a listing.
 */
export function translatorFor(locale: Locale = DEFAULT_LOCALE): Translate {
  let translate = translators.get(locale);
  if (!translate) {
    const t = createTranslator({ locale, messages: loadMessages(locale), onError: onIntlError, getMessageFallback: messageFallback });
    translate = (key, values) => (t as unknown as Translate)(key, { ...MESSAGE_VALUES, ...values });
    translators.set(locale, translate);
  }
  return translate;
}

/** One message for the reader: a key translated, anything else as it is. */
export function localize(text: string, t: Translate): string {
  if (!isMessageKey(text)) return text;
  const { key, values } = parseKeyed(text);
  return t(key, values);
}

/** The messages of an action's answer translated (codes, options and values are data, not messages). */
export function localizeState(state: ActionState, t: Translate): ActionState {
  const out: ActionState = { ...state };
  if (state.error !== undefined) out.error = localize(state.error, t);
  if (state.ok !== undefined) out.ok = localize(state.ok, t);
  if (state.fieldErrors) {
    out.fieldErrors = Object.fromEntries(Object.entries(state.fieldErrors).map(([field, errors]) => [field, errors?.map((e) => localize(e, t))]));
  }
  return out;
}

/** For the CLI and logs: a key's English sentence. */
export const english = (text: string): string => localize(text, translatorFor('en'));
