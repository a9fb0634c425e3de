import 'server-only';
import { eq } from 'drizzle-orm';
import type { Executor } from '@/db';
import { users } from '@/db/schema';
import type { AuditEntry } from '@/lib/audit';
import { config } from '@/lib/config';
import { appLink, renderMail, utcTime } from './messages';
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

const NOT_YOU =
  'If this wasn’t you, someone else knows your password: change it now from your profile, and tell your administrator, who can sign you out everywhere and reset your two-factor authentication.';
const ASK_ADMIN = 'If you did not ask for this, tell your administrator or IT team right away.';

const keyName = (detail: Record<string, unknown>) => (typeof detail.name === 'string' ? detail.name : 'a security key');
const minutes = (ms: number) => `${Math.round(ms / 60_000)} minute${Math.round(ms / 60_000) === 1 ? '' : 's'}`;

function recoveryCodeUsed({ detail }: Event, where: string): Notice {
  const left = typeof detail.codesLeft === 'number' ? detail.codesLeft : 0;
  const paragraphs = [`A recovery code was used ${where}. That code no longer works.`];
  if (left === 0) paragraphs.push('You have no recovery codes left. Make new ones now from your profile, or you may be locked out if you lose your authenticator app or security keys.');
  else if (left <= FEW_CODES_LEFT) paragraphs.push(`Only ${left} recovery code${left === 1 ? ' is' : 's are'} left. Make new ones soon from your profile: the old ones then stop working.`);
  return {
    kind: 'recovery_code_used',
    subject: left <= FEW_CODES_LEFT ? `A recovery code was used (${left} left)` : 'A recovery code was used',
    paragraphs,
    facts: [['Recovery codes left', String(left)]],
    closing: `If this wasn’t you, someone has your password and one of your recovery codes: change your password now and make new recovery codes, and tell your administrator.`,
    link: '2fa',
  };
}

function locked({ detail }: Event, where: string): Notice | null {
  // Once per lock: the attempt that began it (the attempts refused while it lasts are audited too).
  if (detail.began !== true) return null;
  return {
    kind: '2fa.locked',
    subject: 'Sign-in locked after failed verification attempts',
    paragraphs: [
      `Someone entered your password correctly, then failed the second step ${where} too many times. The second step is locked for ${minutes(config().secondFactor.lockMs)}.`,
    ],
    closing: 'If this wasn’t you, someone else knows your password: change it now from your profile, and tell your administrator.',
    link: 'password',
  };
}

/** The audit actions that notify, and what each mail says. Null: this event sends nothing. */
const NOTICES: Record<string, (event: Event) => Notice | null> = {
  '2fa.enabled': ({ detail }) =>
    // A first security key turns 2FA on: its key mail says so (webauthn.key_added, audited with it).
    detail.factor === 'webauthn'
      ? null
      : { kind: '2fa.enabled', subject: 'Two-factor authentication turned on', paragraphs: ['Two-factor authentication is now on for your account, with an authenticator app. Signing in now asks for a code from it after your password.'], closing: NOT_YOU, link: '2fa' },
  '2fa.app_added': () => ({ kind: '2fa.app_added', subject: 'Authenticator app added', paragraphs: ['An authenticator app was added to your account’s two-factor authentication, beside your security keys.'], closing: NOT_YOU, link: '2fa' }),
  '2fa.reconfigured': () => ({
    kind: '2fa.reconfigured',
    subject: 'Two-factor authentication moved to a new app',
    paragraphs: ['Two-factor authentication was set up again with a new authenticator app. Codes from the previous app no longer work, and new recovery codes replaced the old ones.'],
    closing: NOT_YOU,
    link: '2fa',
  }),
  '2fa.app_removed': ({ user }) => ({
    kind: '2fa.app_removed',
    subject: 'Authenticator app removed',
    paragraphs: [`The authenticator app was removed from your account. Two-factor authentication stays on with your security key${user.webauthnKeyCount === 1 ? '' : 's'}.`],
    closing: NOT_YOU,
    link: '2fa',
  }),
  '2fa.disabled': ({ detail }) =>
    // The last key removed turns 2FA off: its key mail says so (webauthn.key_removed, audited with it).
    detail.lastKey === true
      ? null
      : { kind: '2fa.disabled', subject: 'Two-factor authentication turned off', paragraphs: ['Two-factor authentication is now off for your account: signing in asks for your password only. Your recovery codes no longer work.'], closing: NOT_YOU, link: '2fa' },
  '2fa.recovery_codes_regenerated': () => ({
    kind: '2fa.recovery_codes_regenerated',
    subject: 'New recovery codes',
    paragraphs: ['New recovery codes were made for your account. The old ones no longer work.'],
    closing: NOT_YOU,
    link: '2fa',
  }),
  'sign_in.recovery_code_used': (event) => recoveryCodeUsed(event, 'to sign in to your account'),
  'step_up.recovery_code_used': (event) => recoveryCodeUsed(event, 'to confirm a change to your account’s security settings'),
  '2fa.reset': ({ by }) => ({
    kind: '2fa.reset',
    subject: 'Your two-factor authentication was reset',
    paragraphs: [
      'Your two-factor authentication was reset: your authenticator app, security keys and recovery codes were removed, and you were signed out everywhere. Next time you sign in, you may be asked to set it up again.',
    ],
    facts: [['By', by ?? 'an administrator']],
    closing: ASK_ADMIN,
    link: '2fa',
  }),
  'password.changed': () => ({ kind: 'password.changed', subject: 'Your password was changed', paragraphs: ['The password of your account was changed. Your other sessions were signed out.'], closing: 'If this wasn’t you, tell your administrator right away: someone else may be signed in to your account.', link: 'password' }),
  'password.reset': () => ({
    kind: 'password.reset',
    subject: 'Your password was reset',
    paragraphs: ['The password of your account was reset with a link sent to this address. You were signed out everywhere. Your two-factor authentication did not change: signing in still asks for it.'],
    closing: 'If this wasn’t you, someone can read your mail or asked for the link and opened it: tell your administrator right away, and use “Forgot your password?” on the sign-in page to set a new password.',
  }),
  'sign_in.locked': (event) => (event.detail.factor === undefined ? null : locked(event, 'of signing in')),
  'step_up.failed': (event) => (event.detail.locked === true ? locked(event, 'while confirming a change to your account') : null),
  '2fa.suspended': () => ({
    kind: '2fa.suspended',
    subject: 'Sign-in suspended after too many failed verification attempts',
    paragraphs: [
      'The second step of signing in to your account failed too many times in a row, so it is suspended: nobody can sign in to your account until an administrator resets your two-factor authentication.',
    ],
    closing: 'Ask your administrator to reset your two-factor authentication. If the failed attempts were not yours, someone else knows your password: change it once you are back in.',
  }),
  'webauthn.key_added': ({ detail, user }) => {
    // Audited after the key is counted: a key that is the only second factor just turned 2FA on.
    const first = user.totpEnabledAt === null && user.webauthnKeyCount === 1;
    return {
      kind: 'webauthn.key_added',
      subject: first ? 'Two-factor authentication turned on with a security key' : 'Security key added',
      paragraphs: [
        first
          ? `Two-factor authentication is now on for your account, with the security key “${keyName(detail)}”. Signing in now asks for it after your password.`
          : `The security key “${keyName(detail)}” was added to your account. It can now be used to sign in.`,
      ],
      facts: [['Security key', keyName(detail)]],
      closing: NOT_YOU,
      link: '2fa',
    };
  },
  'webauthn.key_removed': ({ detail, user }) => {
    // Audited after the key is uncounted: no app and no key left means 2FA just went off.
    const last = user.totpEnabledAt === null && user.webauthnKeyCount === 0;
    return {
      kind: 'webauthn.key_removed',
      subject: last ? 'Two-factor authentication turned off' : 'Security key removed',
      paragraphs: [
        last
          ? `The security key “${keyName(detail)}”, your last second factor, was removed: two-factor authentication is now off, and your recovery codes no longer work.`
          : `The security key “${keyName(detail)}” was removed from your account. It can no longer be used to sign in.`,
      ],
      facts: [['Security key', keyName(detail)]],
      closing: NOT_YOU,
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
  let by: string | null = null;
  if (actor.kind === 'operator') by = 'an operator, from the command line';
  else if (actor.kind === 'user' && actor.userId !== entry.targetUserId) {
    const [admin] = await tx.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, actor.userId));
    by = admin ? `${admin.name} (${admin.email}), an administrator` : 'an administrator';
  }
  const content = notice({ entry, user, detail: entry.detail ?? {}, by });
  if (!content) return;
  const facts: [string, string][] = [['When', utcTime(now)], ...(entry.ip ? [['From address', entry.ip] as [string, string]] : []), ...(content.facts ?? [])];
  const link = content.link === 'password' ? { label: 'Your profile', url: appLink('/profile/password') } : content.link === '2fa' ? { label: 'Your two-factor settings', url: appLink('/profile/2fa') } : undefined;
  await enqueueMail(
    tx,
    renderMail({ kind: content.kind, userId: entry.targetUserId, to: user.email, name: user.name, subject: content.subject, paragraphs: content.paragraphs, facts, link, closing: content.closing }),
    now,
  );
}
