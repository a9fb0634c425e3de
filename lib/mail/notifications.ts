import 'server-only';
import { eq } from 'drizzle-orm';
import type { Executor } from '@/db';
import { users } from '@/db/schema';
import type { AuditEntry } from '@/lib/audit';
import { config } from '@/lib/config';
import { translatorFor, type Translate } from '@/lib/i18n/translate';
import { DEFAULT_LOCALE } from '@/lib/i18n/locales';
import { recipientLocale } from './locale';
import { appLink, renderMail } from './messages';
import { formatCompactDateTime } from '@/lib/i18n/utc-times';
import { enqueueMail } from './outbox';

/**
 * Security notifications: the audit events that change how a user's own account is protected each
 * write one mail to that user, into the outbox, in the transaction that makes the change and audits
 * it (lib/audit.ts calls this). So a mail goes if and only if the change is committed, once: an
 * event is audited once. Nothing else is mailed (sign-ins, renames, policy changes, failures below
 * a lock), and a mail never holds a secret, a code or a link that does anything but open a page.
 */

/** The user a notification goes to, as the transaction sees them (after the change). */
interface Recipient {
  email: string;
  name: string;
  signInMethod: string;
  totpEnabledAt: number | null;
  webauthnKeyCount: number;
}

interface Event {
  entry: AuditEntry;
  user: Recipient;
  detail: Record<string, unknown>;
  /** Who acted, when it was not the user: an admin's name, or the operator's command line. */
  by: string | null;
}

interface Notice {
  kind: string;
  subject: string;
  paragraphs: string[];
  facts?: [string, string][];
  closing: string;
  link?: 'password' | '2fa';
}

/** Below this many recovery codes left, the mail says to make new ones. */
export const FEW_CODES_LEFT = 3;

const keyName = (detail: Record<string, unknown>, t: Translate) => (typeof detail.name === 'string' ? detail.name : t('Mail.aSecurityKey'));

function recoveryCodeUsed({ detail }: Event, t: Translate, where: 'SignIn' | 'StepUp'): Notice {
  const left = typeof detail.codesLeft === 'number' ? detail.codesLeft : 0;
  const paragraphs = [t(`Mail.recoveryCodeUsed.body${where}`)];
  if (left === 0) paragraphs.push(t('Mail.recoveryCodeUsed.noneLeft'));
  else if (left <= FEW_CODES_LEFT) paragraphs.push(t('Mail.recoveryCodeUsed.fewLeft', { left }));
  return {
    kind: 'recovery_code_used',
    subject: left <= FEW_CODES_LEFT ? t('Mail.recoveryCodeUsed.subjectLeft', { left }) : t('Mail.recoveryCodeUsed.subject'),
    paragraphs,
    facts: [[t('Mail.fact.codesLeft'), String(left)]],
    closing: t('Mail.recoveryCodeUsed.closing'),
    link: '2fa',
  };
}

function locked({ detail }: Event, t: Translate, where: 'SignIn' | 'StepUp'): Notice | null {
  // Once per lock: the attempt that began it (the attempts refused while it lasts are audited too).
  if (detail.began !== true) return null;
  return {
    kind: '2fa.locked',
    subject: t('Mail.locked.subject'),
    paragraphs: [t(`Mail.locked.body${where}`, { minutes: Math.round(config().secondFactor.lockMs / 60_000) })],
    closing: t('Mail.locked.closing'),
    link: 'password',
  };
}

/** A notice whose subject, text and closing are the messages under `Mail.<name>`. */
const simple = (t: Translate, kind: string, name: string, closing: string, link?: Notice['link']): Notice => ({
  kind,
  subject: t(`Mail.${name}.subject`),
  paragraphs: [t(`Mail.${name}.body`)],
  closing,
  link,
});

/** The audit actions that notify, and what each mail says, in the recipient's language. Null: this event sends nothing. */
const NOTICES: Record<string, (event: Event, t: Translate) => Notice | null> = {
  '2fa.enabled': ({ detail }, t) =>
    // A first security key turns 2FA on: its key mail says so (webauthn.key_added, audited with it).
    detail.factor === 'webauthn' ? null : simple(t, '2fa.enabled', 'enabled', t('Mail.notYou'), '2fa'),
  '2fa.app_added': (_, t) => simple(t, '2fa.app_added', 'appAdded', t('Mail.notYou'), '2fa'),
  '2fa.reconfigured': (_, t) => simple(t, '2fa.reconfigured', 'reconfigured', t('Mail.notYou'), '2fa'),
  '2fa.app_removed': ({ user }, t) => ({
    kind: '2fa.app_removed',
    subject: t('Mail.appRemoved.subject'),
    paragraphs: [t('Mail.appRemoved.body', { keys: user.webauthnKeyCount })],
    closing: t('Mail.notYou'),
    link: '2fa',
  }),
  '2fa.disabled': ({ detail }, t) =>
    // The last key removed turns 2FA off: its key mail says so (webauthn.key_removed, audited with it).
    detail.lastKey === true ? null : simple(t, '2fa.disabled', 'disabled', t('Mail.notYou'), '2fa'),
  '2fa.recovery_codes_regenerated': (_, t) => simple(t, '2fa.recovery_codes_regenerated', 'codesRegenerated', t('Mail.notYou'), '2fa'),
  'sign_in.recovery_code_used': (event, t) => recoveryCodeUsed(event, t, 'SignIn'),
  'step_up.recovery_code_used': (event, t) => recoveryCodeUsed(event, t, 'StepUp'),
  '2fa.reset': ({ by }, t) => ({ ...simple(t, '2fa.reset', 'reset', t('Mail.askAdmin'), '2fa'), facts: [[t('Mail.fact.by'), by ?? t('Mail.by.anAdmin')]] }),
  'password.changed': (_, t) => simple(t, 'password.changed', 'passwordChanged', t('Mail.passwordChanged.closing'), 'password'),
  // The sign-in page's link, named as that page names it.
  'password.reset': (_, t) => simple(t, 'password.reset', 'passwordReset', t('Mail.passwordReset.closing', { forgot: t('Login.forgotPassword') })),
  'sign_in.locked': (event, t) => (event.detail.factor === undefined ? null : locked(event, t, 'SignIn')),
  'step_up.failed': (event, t) => (event.detail.locked === true ? locked(event, t, 'StepUp') : null),
  '2fa.suspended': (_, t) => simple(t, '2fa.suspended', 'suspended', t('Mail.suspended.closing')),
  'webauthn.key_added': ({ detail, user }, t) => {
    // Audited after the key is counted: a key that is the only second factor just turned 2FA on.
    const first = user.totpEnabledAt === null && user.webauthnKeyCount === 1;
    const key = keyName(detail, t);
    return {
      kind: 'webauthn.key_added',
      subject: t(first ? 'Mail.keyAdded.subjectFirst' : 'Mail.keyAdded.subject'),
      paragraphs: [t(first ? 'Mail.keyAdded.bodyFirst' : 'Mail.keyAdded.body', { key })],
      facts: [[t('Mail.fact.securityKey'), key]],
      closing: t('Mail.notYou'),
      link: '2fa',
    };
  },
  'webauthn.key_removed': ({ detail, user }, t) => {
    // Audited after the key is uncounted: no app and no key left means 2FA just went off.
    const last = user.totpEnabledAt === null && user.webauthnKeyCount === 0;
    const key = keyName(detail, t);
    return {
      kind: 'webauthn.key_removed',
      subject: t(last ? 'Mail.keyRemoved.subjectLast' : 'Mail.keyRemoved.subject'),
      paragraphs: [t(last ? 'Mail.keyRemoved.bodyLast' : 'Mail.keyRemoved.body', { key })],
      facts: [[t('Mail.fact.securityKey'), key]],
      closing: t('Mail.notYou'),
      link: '2fa',
    };
  },
};

/**
 * Writes the notification an audit event calls for, if any, into the outbox in the event's
 * transaction. Its facts: when (UTC), from which address, and by whom when it was not the user.
 */
export async function notifySecurityEvent(tx: Executor, entry: AuditEntry, now: number): Promise<void> {
  const notice = NOTICES[entry.action];
  if (!notice || !entry.targetUserId) return;
  const [user] = await tx
    .select({ email: users.email, name: users.name, signInMethod: users.signInMethod, totpEnabledAt: users.totpEnabledAt, webauthnKeyCount: users.webauthnKeyCount })
    .from(users)
    .where(eq(users.id, entry.targetUserId));
  // SSO users have no password or second factor here: nothing of theirs is notified.
  if (!user || user.signInMethod !== 'password') return;
  const { actor } = entry;
  // Whether the event mails at all (a lock that began earlier, a failed password's lock: no) is known
  // from the event alone: one that mails nothing reads nothing more, as before languages came.
  if (!notice({ entry, user, detail: entry.detail ?? {}, by: null }, translatorFor(DEFAULT_LOCALE))) return;
  const locale = await recipientLocale(tx, entry.targetUserId, actor);
  const t = translatorFor(locale);
  let by: string | null = null;
  if (actor.kind === 'operator') by = t('Mail.by.operator');
  else if (actor.kind === 'user' && actor.userId !== entry.targetUserId) {
    const [admin] = await tx.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, actor.userId));
    by = admin ? t('Mail.by.admin', { name: admin.name, email: admin.email }) : t('Mail.by.anAdmin');
  }
  const content = notice({ entry, user, detail: entry.detail ?? {}, by }, t);
  if (!content) return;
  const facts: [string, string][] = [[t('Mail.fact.when'), formatCompactDateTime(now, locale)], ...(entry.ip ? [[t('Mail.fact.fromAddress'), entry.ip] as [string, string]] : []), ...(content.facts ?? [])];
  const link =
    content.link === 'password' ? { label: t('Mail.link.profile'), url: appLink('/profile/password') } : content.link === '2fa' ? { label: t('Mail.link.twoFactor'), url: appLink('/profile/2fa') } : undefined;
  await enqueueMail(
    tx,
    renderMail({ kind: content.kind, userId: entry.targetUserId, to: user.email, locale, name: user.name, subject: content.subject, paragraphs: content.paragraphs, facts, link, closing: content.closing }),
    now,
  );
}
