import type { Locale, TwoFactorPolicy } from '@/db/schema';
import { translatorFor, type Translate } from '@/lib/i18n/translate';
import { DATE_LOCALES } from '@/lib/i18n/utc-times';

/** What a user's second factors are: an authenticator app, security keys and passkeys, or both. */
export interface SecondFactors {
  totpEnabledAt: number | null;
  webauthnKeyCount: number;
}

export interface TwoFactorSubject extends SecondFactors {
  signInMethod: 'password' | 'sso';
  twoFactorRequired: boolean;
}

/** A user has 2FA with an authenticator app or at least one key (recovery codes cover both). */
export function hasSecondFactor(user: SecondFactors): boolean {
  return user.totpEnabledAt !== null || user.webauthnKeyCount > 0;
}

/** Whether Deskgate requires 2FA of this user: SSO users never; the per-user flag has no effect under `off`. */
export function isTwoFactorRequired(user: Pick<TwoFactorSubject, 'signInMethod' | 'twoFactorRequired'>, policy: TwoFactorPolicy): boolean {
  if (user.signInMethod !== 'password') return false;
  return policy === 'required' || (policy === 'optional' && user.twoFactorRequired);
}

const DAY_MS = 86_400_000;

/**
 * The organization's grace period for required 2FA (0–30 days, 0 = set up at the first sign-in) and
 * when this user's clock started (their first sign-in after 2FA became required of them), if it has.
 */
export interface Grace {
  days: number;
  startedAt: number | null;
}

export const NO_GRACE: Grace = { days: 0, startedAt: null };

/** The end of a started grace period under the organization's current days (lowering them moves it). */
export function graceDeadline(startedAt: number, days: number): number {
  return startedAt + days * DAY_MS;
}

/**
 * Where a user who owes 2FA stands: `none` (2FA is not owed: they have it, or it is not required of
 * them), `unstarted` (a grace period whose clock starts at their next sign-in), `grace` (until
 * `deadline`), or `due` (set up now: no grace period, or it has ended).
 */
export type GraceStanding = { kind: 'none' } | { kind: 'unstarted' } | { kind: 'grace'; deadline: number } | { kind: 'due'; deadline: number | null };

export function graceStanding(user: TwoFactorSubject, policy: TwoFactorPolicy, grace: Grace, now = Date.now()): GraceStanding {
  if (hasSecondFactor(user) || !isTwoFactorRequired(user, policy)) return { kind: 'none' };
  if (grace.days <= 0) return { kind: 'due', deadline: null };
  if (grace.startedAt === null) return { kind: 'unstarted' };
  const deadline = graceDeadline(grace.startedAt, grace.days);
  return now < deadline ? { kind: 'grace', deadline } : { kind: 'due', deadline };
}

const utcDate = (style: 'long' | 'medium', locale: Locale) => new Intl.DateTimeFormat(DATE_LOCALES[locale], { dateStyle: style, timeZone: 'UTC' });

/** A deadline as people read it, in UTC: "6 December 2026" (`long`, the banner) or "6 Dec 2026" (the table). */
export function formatDeadline(ms: number, style: 'long' | 'medium' = 'long', locale: Locale = 'en'): string {
  return utcDate(style, locale).format(ms);
}

/**
 * For the admin table and `user:list`: "due 6 Dec 2026", "overdue", "grace starts at next sign-in", or
 * null; in `locale` (English for `user:list --json`, which is data).
 */
export function describeGrace(standing: GraceStanding, locale: Locale = 'en'): string | null {
  const t = translatorFor(locale);
  if (standing.kind === 'grace') return t('GraceStanding.due', { date: formatDeadline(standing.deadline, 'medium', locale) });
  if (standing.kind === 'unstarted') return t('GraceStanding.unstarted');
  return standing.kind === 'due' && standing.deadline !== null ? t('GraceStanding.overdue') : null;
}

/**
 * What a password sign-in must do after the password: ask for a second factor, force setup, or
 * nothing (`ready`). `grace`: 2FA is required but the user is inside their grace period (or starts
 * it now) and signs in as if it were optional; the session's transaction starts the clock.
 */
export function secondStep(user: TwoFactorSubject, policy: TwoFactorPolicy, grace: Grace = NO_GRACE, now = Date.now()): 'verify' | 'setup' | 'grace' | 'ready' {
  if (hasSecondFactor(user)) return 'verify';
  const standing = graceStanding(user, policy, grace, now);
  if (standing.kind === 'none') return 'ready';
  return standing.kind === 'due' ? 'setup' : 'grace';
}

/**
 * "App · 2 keys", "App", "1 key", or null without a second factor: the admin table and the CLI, in
 * the reader's words (`t`); English for `user:list --json`, which is data. A count is written as it is
 * (1000, never 1,000); it only chooses the plural.
 */
export function describeSecondFactors(user: SecondFactors, t: Translate = translatorFor('en')): string | null {
  const parts = [user.totpEnabledAt !== null ? t('SecondFactors.app') : null, user.webauthnKeyCount > 0 ? t('SecondFactors.keys', { count: String(user.webauthnKeyCount), keys: user.webauthnKeyCount }) : null].filter((p) => p !== null);
  return parts.length ? parts.join(t('SecondFactors.separator')) : null;
}
