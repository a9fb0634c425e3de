import 'server-only';
import { eq } from 'drizzle-orm';
import type { Executor } from '@/db';
import { users } from '@/db/schema';
import type { Actor } from '@/lib/audit';
import { environmentLocale } from '@/lib/i18n/environment';
import { DEFAULT_LOCALE, isLocale, negotiateLocale, type Locale } from '@/lib/i18n/locales';

/**
 * The browser's language of the request being handled (Accept-Language), or null outside a request:
 * the CLI, the tests, a background job. A server action's after() callback still has its request.
 */
export async function browserLocale(): Promise<Locale | null> {
  try {
    // Loaded when asked: the CLI's test bundle cannot resolve next/headers, and has no request anyway.
    const { headers } = await import('next/headers');
    return negotiateLocale((await headers()).get('accept-language'));
  } catch {
    return null;
  }
}

async function storedLocale(tx: Executor, userId: number): Promise<Locale | null> {
  const [row] = await tx.select({ locale: users.locale }).from(users).where(eq(users.id, userId));
  return isLocale(row?.locale) ? row.locale : null;
}

/**
 * The language of a mail to a user, decided when it is written: their choice on the profile; else,
 * when the request that causes it acts for them (they act themselves, or an anonymous request on
 * their account: a forgotten password, a sign-in), that request's browser language; else English.
 * An admin's or the operator's change never mails in the actor's language: it is not their mail.
 */
export async function recipientLocale(tx: Executor, userId: number, actor: Actor): Promise<Locale> {
  const chosen = await storedLocale(tx, userId);
  if (chosen) return chosen;
  const forThem = actor.kind === 'system' || (actor.kind === 'user' && actor.userId === userId);
  return (forThem ? await browserLocale() : null) ?? DEFAULT_LOCALE;
}

/**
 * The language of a mail to someone who has no choice yet (an invitee): the inviter's, as their
 * request shows it (an admin's choice, else their browser), or the operator's environment. Stored
 * nowhere: the invitee's own browser decides their pages until they choose.
 */
export async function inviterLocale(tx: Executor, actor: Actor): Promise<Locale> {
  if (actor.kind === 'operator') return environmentLocale();
  if (actor.kind !== 'user') return DEFAULT_LOCALE;
  return (await storedLocale(tx, actor.userId)) ?? (await browserLocale()) ?? DEFAULT_LOCALE;
}
