import { IntlErrorCode, type IntlError } from 'use-intl/core';
import { log } from '@/lib/log';

/**
 * Missing or broken messages throw in development and tests (a page that renders a missing key
 * fails), and in production only log and show the key's path: a forgotten translation must not
 * take a sign-in page down. DESKGATE_STRICT_MESSAGES=1 makes a production build strict too (the
 * e2e servers set it, so every page the specs open is checked).
 */
export function strictMessages(env: Record<string, string | undefined> = process.env): boolean {
  return env.NODE_ENV !== 'production' || env.DESKGATE_STRICT_MESSAGES === '1';
}

export function onIntlError(error: IntlError, strict = strictMessages()): void {
  if (strict) throw error;
  log('i18n.message_error', { code: error.code, message: error.originalMessage ?? error.message });
}

/** In production, what a missing message shows: its path, never an empty string. */
export function messageFallback({ namespace, key, error }: { namespace?: string; key: string; error: IntlError }): string {
  const path = namespace ? `${namespace}.${key}` : key;
  return error.code === IntlErrorCode.MISSING_MESSAGE ? path : `${path} (unformatted)`;
}
