// The audit event types the app writes, each with the sentence a person reads in the audit log (and
// its CSV export) and a short label for the log's event-type filter. `audit()` only accepts these
// keys, and lib/audit-events.test.ts fails when code writes an action that has no entry here.
// Names and detail values are data (a user's name is theirs to choose): sentences are plain text,
// rendered by React or quoted in CSV, never as HTML.

import { translatorFor, type Translate } from '@/lib/i18n/translate';

/** Who and what an event names, as the log shows them. */
export interface SentenceParts {
  /** The actor as a person reads it: a user's name, "An operator" or "Deskgate". */
  actor: string;
  /** The user the event is about, by name; null when it is about no user (or one no longer found). */
  target: string | null;
  /** Whether the actor is the target (someone acting on their own account). */
  self: boolean;
  detail: Record<string, unknown>;
}

export type EventGroup = 'Sign-in' | 'Two-factor' | 'Security keys' | 'Accounts' | 'Organization' | 'Operations';

/**
 * The words are messages (AuditEvents.* in lib/i18n/messages/*.admin.json): the page passes its
 * reader's translator; the CSV export and the CLI read English (the default), as they always did.
 * Counts are passed as text as well as numbers, so that "1000 users" never becomes "1,000 users".
 */
interface EventType {
  group: EventGroup;
  sentence: (parts: SentenceParts, t: Translate) => string;
}

/** A detail value that is text or a number, as text; anything else counts as absent. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** English, for the CSV and the CLI. */
const english = (): Translate => translatorFor('en');

const S = 'AuditEvents.sentences.';
const P = 'AuditEvents.parts.';
/** A count for a plural message: `n` chooses the form, `count` is printed as it is. */
const counted = (n: number) => ({ n, count: String(n) });
const who = (p: SentenceParts, t: Translate) => p.target ?? t(`${P}unknownUser`);
/** The values most sentences use: the actor, the target and " for Max Member" when an admin (or operator) acted on someone else's account. */
const base = (p: SentenceParts, t: Translate) => ({
  actor: p.actor,
  target: who(p, t),
  self: p.self ? 'yes' : 'no',
  forTarget: p.self || p.target === null ? '' : t(`${P}forTarget`, { name: p.target }),
});
const quoted = (value: unknown, t: Translate) => {
  const name = text(value);
  return name === undefined ? '' : t(`${P}quoted`, { name });
};
const codesLeft = (detail: Record<string, unknown>, t: Translate) => {
  const left = count(detail.codesLeft);
  return left === undefined ? '' : t(`${P}codesLeft`, { count: String(left) });
};
/** " — 3 sessions ended", when some did. */
const ended = (value: unknown, what: 'sessionsEnded' | 'trustedBrowsersEnded', t: Translate) => {
  const n = count(value);
  return n ? t(`${P}${what}`, counted(n)) : '';
};
/** A language setting as the log reads it: null follows the browser. */
const languageName = (value: unknown, t: Translate) => t(`AuditEvents.languages.${value === 'en' ? 'en' : value === 'de' ? 'de' : value === null ? 'browser' : 'other'}`);

/** A number of grace days as words ("none" for 0). */
const graceDays = (value: unknown, t: Translate) => {
  const n = count(value);
  return n === undefined ? t(`${P}otherDays`) : n === 0 ? t(`${P}noDays`) : t(`${P}days`, counted(n));
};
/** An ISO time's UTC day ("2026-12-06"), or undefined. */
const utcDay = (value: unknown) => (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? value.slice(0, 10) : undefined);
/** An organization's trusted-browser setting ({ allowed, days }) as words. */
const trustSetting = (value: unknown, t: Translate) => {
  const setting = value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  if (setting.allowed === false) return t(`${P}trustOff`);
  const days = count(setting.days);
  return days === undefined ? t(`${P}trustOn`) : t(`${P}trustOnDays`, counted(days));
};
/** A known value's words from a group of messages (a role, a policy), else the value as written. */
const NAMED = { roles: ['admin', 'member'], policies: ['off', 'optional', 'required'] };
const named = (group: keyof typeof NAMED, value: unknown, t: Translate) => {
  const raw = text(value);
  return raw !== undefined && NAMED[group].includes(raw) ? t(`AuditEvents.${group}.${raw}`) : raw;
};

const SECOND_FACTORS = ['totp', 'webauthn', 'recovery', 'trusted_browser'];

function signInSentence(p: SentenceParts, t: Translate): string {
  const { method, secondFactor } = p.detail;
  const values = base(p, t);
  if (method === 'passkey') return t(`${S}signInPasskey`, values);
  if (method === 'sso') return t(`${S}signInSso`, values);
  if (secondFactor === 'setup') return t(`${S}signInSetup`, values);
  return typeof secondFactor === 'string' && SECOND_FACTORS.includes(secondFactor)
    ? t(`${S}signInPasswordAnd`, { ...values, factor: t(`AuditEvents.factors.${secondFactor}`) })
    : t(`${S}signInPassword`, values);
}

const FAILED_FACTORS = ['password', 'webauthn', 'second', 'totp', 'recovery'];
const failedFactor = (value: unknown, t: Translate) => t(`AuditEvents.failed.${typeof value === 'string' && FAILED_FACTORS.includes(value) ? value : 'other'}`);

/** A type whose sentence is one message (its key: the action with "_" for "."), given the common values. */
const plain = (action: string): EventType['sentence'] => (p, t) => t(`${S}${action.replaceAll('.', '_')}`, base(p, t));

export const AUDIT_EVENTS = {
  // Sign-in
  sign_in: { group: 'Sign-in', sentence: signInSentence },
  'sign_in.recovery_code_used': { group: 'Sign-in', sentence: (p, t) => t(`${S}sign_in_recovery_code_used`, { ...base(p, t), codesLeft: codesLeft(p.detail, t) }) },
  'sign_in.failed': {
    group: 'Sign-in',
    sentence: (p, t) => (p.detail.method === 'passkey' ? t(`${S}signInFailedPasskey`, { ...base(p, t), reason: text(p.detail.reason) ? ` (${text(p.detail.reason)})` : '' }) : t(`${S}signInFailedPassword`, base(p, t))),
  },
  'sign_in.second_factor_failed': { group: 'Sign-in', sentence: (p, t) => t(`${S}sign_in_second_factor_failed`, { ...base(p, t), failed: failedFactor(p.detail.factor, t) }) },
  'sign_in.locked': { group: 'Sign-in', sentence: (p, t) => t(`${S}sign_in_locked`, { ...base(p, t), what: p.detail.factor === undefined ? 'passwords' : 'codes' }) },
  sign_out: { group: 'Sign-in', sentence: plain('sign_out') },
  'step_up.failed': {
    group: 'Sign-in',
    sentence: (p, t) => t(`${S}step_up_failed`, { ...base(p, t), failed: failedFactor(p.detail.factor, t), locked: p.detail.locked === true ? t(`${P}lockedForAWhile`) : '' }),
  },
  'step_up.recovery_code_used': { group: 'Sign-in', sentence: (p, t) => t(`${S}step_up_recovery_code_used`, { ...base(p, t), codesLeft: codesLeft(p.detail, t) }) },
  'session.revoked': {
    group: 'Sign-in',
    sentence: (p, t) => (p.detail.current === true ? t(`${S}sessionRevokedCurrent`, base(p, t)) : text(p.detail.device) ? t(`${S}sessionRevokedOn`, { ...base(p, t), device: text(p.detail.device)! }) : t(`${S}sessionRevoked`, base(p, t))),
  },
  'sessions.revoked_others': { group: 'Sign-in', sentence: (p, t) => t(`${S}sessions_revoked_others`, { ...base(p, t), ended: ended(p.detail.count, 'sessionsEnded', t) }) },
  'sessions.revoked_all': { group: 'Sign-in', sentence: (p, t) => t(p.self ? `${S}sessionsRevokedAllSelf` : `${S}sessionsRevokedAll`, { ...base(p, t), ended: ended(p.detail.count, 'sessionsEnded', t) }) },
  'trusted_browser.added': { group: 'Sign-in', sentence: (p, t) => (count(p.detail.days) === undefined ? t(`${S}trustedBrowserAdded`, base(p, t)) : t(`${S}trustedBrowserAddedDays`, { ...base(p, t), ...counted(count(p.detail.days)!) })) },
  'trusted_browser.removed': { group: 'Sign-in', sentence: plain('trusted_browser.removed') },
  'sso.linked': { group: 'Sign-in', sentence: (p, t) => t(`${S}sso_linked`, { ...base(p, t), issuer: text(p.detail.issuer) ? ` (${text(p.detail.issuer)})` : '' }) },

  // Two-factor authentication
  'two_factor.grace_started': { group: 'Two-factor', sentence: (p, t) => t(`${S}two_factor_grace_started`, { ...base(p, t), due: utcDay(p.detail.deadline) ? t(`${P}due`, { day: utcDay(p.detail.deadline)! }) : '' }) },
  'two_factor.grace_expired': { group: 'Two-factor', sentence: (p, t) => t(`${S}two_factor_grace_expired`, { ...base(p, t), ended: ended(p.detail.sessionsEnded, 'sessionsEnded', t) }) },
  '2fa.enabled': { group: 'Two-factor', sentence: (p, t) => t(p.detail.factor === 'webauthn' ? `${S}twoFactorEnabledKey` : `${S}twoFactorEnabledApp`, base(p, t)) },
  '2fa.app_added': { group: 'Two-factor', sentence: plain('2fa.app_added') },
  '2fa.reconfigured': { group: 'Two-factor', sentence: plain('2fa.reconfigured') },
  '2fa.app_removed': { group: 'Two-factor', sentence: plain('2fa.app_removed') },
  '2fa.disabled': { group: 'Two-factor', sentence: (p, t) => t(`${S}2fa_disabled`, { ...base(p, t), lastKey: p.detail.lastKey === true ? t(`${P}lastKey`) : '' }) },
  '2fa.disable_refused': { group: 'Two-factor', sentence: plain('2fa.disable_refused') },
  '2fa.recovery_codes_regenerated': { group: 'Two-factor', sentence: plain('2fa.recovery_codes_regenerated') },
  '2fa.reset': { group: 'Two-factor', sentence: (p, t) => t(`${S}2fa_reset`, { ...base(p, t), reason: text(p.detail.reason) ? t(`${P}reason`, { reason: text(p.detail.reason)! }) : '' }) },
  '2fa.suspended': { group: 'Two-factor', sentence: plain('2fa.suspended') },

  // Security keys
  'webauthn.key_added': { group: 'Security keys', sentence: (p, t) => t(`${S}webauthn_key_added`, { ...base(p, t), name: quoted(p.detail.name, t) }) },
  'webauthn.key_renamed': {
    group: 'Security keys',
    sentence: (p, t) => {
      const values = { ...base(p, t), ofTarget: p.self ? '' : t(`${P}ofTarget`, { name: who(p, t) }) };
      const name = quoted(p.detail.name, t);
      return name ? t(`${S}keyRenamed`, { ...values, name }) : t(`${S}keyRenamedNoName`, values);
    },
  },
  'webauthn.key_removed': { group: 'Security keys', sentence: (p, t) => t(`${S}webauthn_key_removed`, { ...base(p, t), name: quoted(p.detail.name, t) }) },
  'webauthn.counter_regression': { group: 'Security keys', sentence: plain('webauthn.counter_regression') },

  // Accounts
  'user.created': { group: 'Accounts', sentence: (p, t) => t(`${S}user_created`, { ...base(p, t), asRole: text(p.detail.role) ? t(`${P}asRole`, { role: named('roles', p.detail.role, t)! }) : '' }) },
  'user.invited': { group: 'Accounts', sentence: (p, t) => t(`${S}user_invited`, { ...base(p, t), asRole: text(p.detail.role) ? t(`${P}asRole`, { role: named('roles', p.detail.role, t)! }) : '' }) },
  'user.invitation_resent': { group: 'Accounts', sentence: plain('user.invitation_resent') },
  'user.invitation_revoked': { group: 'Accounts', sentence: (p, t) => t(`${S}user_invitation_revoked`, { ...base(p, t), invitee: text(p.detail.email) ?? who(p, t) }) },
  'user.invitation_accepted': { group: 'Accounts', sentence: plain('user.invitation_accepted') },
  'user.2fa_required': { group: 'Accounts', sentence: plain('user.2fa_required') },
  'user.2fa_not_required': { group: 'Accounts', sentence: plain('user.2fa_not_required') },
  'user.deactivated': { group: 'Accounts', sentence: plain('user.deactivated') },
  'user.reactivated': { group: 'Accounts', sentence: plain('user.reactivated') },
  'password.changed': { group: 'Accounts', sentence: plain('password.changed') },
  'password.reset_link_sent': { group: 'Accounts', sentence: (p, t) => t(`${S}password_reset_link_sent`, { ...base(p, t), askedBy: p.self ? '' : t(`${P}askedBy`, { actor: p.actor }) }) },
  'password.reset': { group: 'Accounts', sentence: plain('password.reset') },
  'user.locale_changed': { group: 'Accounts', sentence: (p, t) => t(`${S}user_locale_changed`, { ...base(p, t), language: languageName(p.detail.locale, t) }) },

  // Organization
  'org.created': { group: 'Organization', sentence: (p, t) => t(`${S}org_created`, { ...base(p, t), slug: quoted(p.detail.slug, t) }) },
  'org.policy_changed': {
    group: 'Organization',
    sentence: (p, t) => {
      const signedOut = count(p.detail.usersSignedOut);
      const policy = (value: unknown) => named('policies', value, t) ?? t(`${P}unknownPolicy`);
      return t(`${S}org_policy_changed`, { ...base(p, t), from: policy(p.detail.from), to: policy(p.detail.to), signedOut: signedOut ? t(`${P}usersSignedOut`, counted(signedOut)) : '' });
    },
  },
  'org.passkey_sign_in_changed': { group: 'Organization', sentence: (p, t) => t(`${S}org_passkey_sign_in_changed`, { ...base(p, t), to: p.detail.to === true ? 'on' : p.detail.to === false ? 'off' : 'changed' }) },
  'org.bulk_users_created': {
    group: 'Organization',
    sentence: (p, t) => (count(p.detail.count) === undefined ? t(`${S}bulkUsersUnknown`, base(p, t)) : t(`${S}bulkUsers`, { ...base(p, t), ...counted(count(p.detail.count)!) })),
  },
  'org.trusted_browsers_changed': {
    group: 'Organization',
    sentence: (p, t) => t(`${S}org_trusted_browsers_changed`, { ...base(p, t), from: trustSetting(p.detail.from, t), to: trustSetting(p.detail.to, t), ended: ended(p.detail.ended, 'trustedBrowsersEnded', t) }),
  },
  'org.two_factor_grace_changed': { group: 'Organization', sentence: (p, t) => t(`${S}org_two_factor_grace_changed`, { ...base(p, t), from: graceDays(p.detail.from, t), to: graceDays(p.detail.to, t) }) },
  'audit.exported': { group: 'Organization', sentence: plain('audit.exported') },
  'users.exported': { group: 'Organization', sentence: plain('users.exported') },

  // Operations (written without an organization: the CLI's audit:list of an org never shows them)
  'db.restored': { group: 'Operations', sentence: plain('db.restored') },
  'mail.retried': { group: 'Operations', sentence: (p, t) => (count(p.detail.mails) === undefined ? t(`${S}mailRetried`, base(p, t)) : t(`${S}mailRetriedCount`, { ...base(p, t), ...counted(count(p.detail.mails)!) })) },
  'mail.test_queued': { group: 'Operations', sentence: (p, t) => t(`${S}mail_test_queued`, { ...base(p, t), to: text(p.detail.to) ? t(`${P}toAddress`, { to: text(p.detail.to)! }) : '' }) },
} satisfies Record<string, EventType>;

export type AuditAction = keyof typeof AUDIT_EVENTS;

export const AUDIT_ACTIONS = Object.keys(AUDIT_EVENTS) as AuditAction[];

export function isAuditAction(value: string): value is AuditAction {
  return Object.hasOwn(AUDIT_EVENTS, value);
}

/** The event types by group, in the registry's order, for the filter's select (group and labels in the reader's language). */
export function eventTypeGroups(t: Translate = english()): { group: EventGroup; label: string; types: { action: AuditAction; label: string }[] }[] {
  const groups = new Map<EventGroup, { action: AuditAction; label: string }[]>();
  for (const action of AUDIT_ACTIONS) {
    const type: EventType = AUDIT_EVENTS[action];
    groups.set(type.group, [...(groups.get(type.group) ?? []), { action, label: eventLabel(action, t) }]);
  }
  return [...groups].map(([group, types]) => ({ group, label: t(`AuditEvents.groups.${group}`), types }));
}

/** A type's short label (for the event-type select); an unregistered type reads as its code. */
export function eventLabel(action: string, t: Translate = english()): string {
  return isAuditAction(action) ? t(`AuditEvents.labels.${action.replaceAll('.', '_')}`) : action;
}

/**
 * The sentence of one event. An old row's type no longer registered (or a detail of another shape)
 * reads as a neutral sentence with its raw code: the log never fails on what it once wrote.
 */
export function eventSentence(action: string, parts: SentenceParts, t: Translate = english()): string {
  if (isAuditAction(action)) {
    try {
      const type: EventType = AUDIT_EVENTS[action];
      return type.sentence(parts, t);
    } catch {
      // A sentence function that trips over an odd detail falls back like an unknown type.
    }
  }
  return parts.target ? t(`${S}unknownAbout`, { actor: parts.actor, action, target: parts.target }) : t(`${S}unknown`, { actor: parts.actor, action });
}

/** How an event's actor is named in the log. */
export function actorName(kind: string, user: { name: string | null; email: string | null } | null, t: Translate = english()): string {
  if (kind === 'operator') return t(`${P}operator`);
  if (kind === 'system') return 'Deskgate';
  return user?.name || user?.email || t(`${P}removedUser`);
}

/** An event's detail column, parsed; anything not a JSON object counts as no detail. */
export function parseDetail(raw: string | null): Record<string, unknown> {
  if (!raw) return {};
  try {
    const value: unknown = JSON.parse(raw);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** An audit row as read with its actor and target users (db/queries/audit.ts). */
export interface EventRow {
  action: string;
  actorKind: string;
  actorUserId: number | null;
  actorName: string | null;
  actorEmail: string | null;
  targetUserId: number | null;
  targetName: string | null;
  targetEmail: string | null;
  detail: string | null;
}

/** What the log (and its export) shows of a row: the sentence and the names it is made of. */
export function describeEvent(row: EventRow, t: Translate = english()): { sentence: string; actor: string; target: string | null; detail: Record<string, unknown> } {
  const actor = actorName(row.actorKind, row.actorUserId === null || row.actorEmail === null ? null : { name: row.actorName, email: row.actorEmail }, t);
  const target = row.targetUserId === null ? null : row.targetName || row.targetEmail || t(`${P}removedUser`);
  const detail = parseDetail(row.detail);
  const self = row.actorKind === 'user' && row.actorUserId !== null && row.actorUserId === row.targetUserId;
  return { sentence: eventSentence(row.action, { actor, target, self, detail }, t), actor, target, detail };
}
