// The audit event types the app writes, each with the sentence a person reads in the audit log (and
// its CSV export) and a short label for the log's event-type filter. `audit()` only accepts these
// keys, and lib/audit-events.test.ts fails when code writes an action that has no entry here.
// Names and detail values are data (a user's name is theirs to choose): sentences are plain text,
// rendered by React or quoted in CSV, never as HTML.

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

interface EventType {
  group: EventGroup;
  /** Short, for the event-type select. */
  label: string;
  sentence: (parts: SentenceParts) => string;
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

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const who = (p: SentenceParts) => p.target ?? 'an unknown user';
/** " for Max Member" when an admin (or operator) acted on someone else's account. */
const forTarget = (p: SentenceParts) => (p.self || p.target === null ? '' : ` for ${p.target}`);
const ofTarget = (p: SentenceParts) => (p.self ? 'their' : `${who(p)}’s`);
const quoted = (value: unknown) => {
  const name = text(value);
  return name === undefined ? '' : ` “${name}”`;
};
const codesLeft = (detail: Record<string, unknown>) => {
  const left = count(detail.codesLeft);
  return left === undefined ? '' : ` — ${left} left`;
};
/** " — 3 sessions ended", when some did. */
const ended = (value: unknown, what: string) => {
  const n = count(value);
  return n ? ` — ${plural(n, what, `${what}s`)} ended` : '';
};
/** A language setting as the log reads it: null follows the browser. */
const languageName = (value: unknown) => (value === 'en' ? 'English' : value === 'de' ? 'German' : value === null ? 'the browser’s' : 'another language');

/** A number of grace days as words ("none" for 0). */
const graceDays = (value: unknown) => {
  const n = count(value);
  return n === undefined ? 'another number of days' : n === 0 ? 'none' : plural(n, 'day', 'days');
};
/** An ISO time's UTC day ("2026-12-06"), or undefined. */
const utcDay = (value: unknown) => (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? value.slice(0, 10) : undefined);
/** An organization's trusted-browser setting ({ allowed, days }) as words. */
const trustSetting = (value: unknown) => {
  const setting = value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  if (setting.allowed === false) return 'off';
  const days = count(setting.days);
  return days === undefined ? 'on' : `on for ${plural(days, 'day', 'days')}`;
};
const onOff = (value: unknown) => (value === true ? 'on' : value === false ? 'off' : 'changed');

const SECOND_FACTORS: Record<string, string> = {
  totp: 'an authenticator code',
  webauthn: 'a security key',
  recovery: 'a recovery code',
  trusted_browser: 'a trusted browser',
};

function signInSentence(p: SentenceParts): string {
  const { method, secondFactor } = p.detail;
  if (method === 'passkey') return `${who(p)} signed in with a passkey`;
  if (method === 'sso') return `${who(p)} signed in with single sign-on`;
  if (secondFactor === 'setup') return `${who(p)} signed in and set up two-factor authentication`;
  const second = typeof secondFactor === 'string' ? SECOND_FACTORS[secondFactor] : undefined;
  return `${who(p)} signed in with a password${second ? ` and ${second}` : ''}`;
}

const FAILED_FACTORS: Record<string, string> = { password: 'wrong password', webauthn: 'security key refused', second: 'wrong code', totp: 'wrong code', recovery: 'wrong recovery code' };
const failedFactor = (value: unknown) => (typeof value === 'string' && Object.hasOwn(FAILED_FACTORS, value) ? FAILED_FACTORS[value] : 'refused');

export const AUDIT_EVENTS = {
  // Sign-in
  sign_in: { group: 'Sign-in', label: 'Signed in', sentence: signInSentence },
  'sign_in.recovery_code_used': { group: 'Sign-in', label: 'Signed in with a recovery code', sentence: (p) => `${who(p)} signed in with a recovery code${codesLeft(p.detail)}` },
  'sign_in.failed': {
    group: 'Sign-in',
    label: 'Sign-in failed',
    sentence: (p) => (p.detail.method === 'passkey' ? `A passkey sign-in to ${who(p)}’s account was refused${text(p.detail.reason) ? ` (${text(p.detail.reason)})` : ''}` : `A sign-in to ${who(p)}’s account failed: wrong password`),
  },
  'sign_in.second_factor_failed': { group: 'Sign-in', label: 'Second step failed', sentence: (p) => `A sign-in to ${who(p)}’s account failed at the second step: ${failedFactor(p.detail.factor)}` },
  'sign_in.locked': {
    group: 'Sign-in',
    label: 'Sign-in locked',
    sentence: (p) => `Sign-in locked for ${who(p)} after too many ${p.detail.factor === undefined ? 'wrong passwords' : 'wrong codes'}`,
  },
  sign_out: { group: 'Sign-in', label: 'Signed out', sentence: (p) => `${who(p)} signed out` },
  'step_up.failed': {
    group: 'Sign-in',
    label: 'Confirmation failed',
    sentence: (p) => `${p.actor} failed to confirm a security change: ${failedFactor(p.detail.factor)}${p.detail.locked === true ? ' — locked for a while' : ''}`,
  },
  'step_up.recovery_code_used': { group: 'Sign-in', label: 'Confirmed with a recovery code', sentence: (p) => `${p.actor} confirmed a security change with a recovery code${codesLeft(p.detail)}` },
  'session.revoked': {
    group: 'Sign-in',
    label: 'Session signed out',
    sentence: (p) => `${p.actor} signed out ${p.detail.current === true ? 'this session' : `a session${text(p.detail.device) ? ` on ${text(p.detail.device)}` : ''}`}${forTarget(p)}`,
  },
  'sessions.revoked_others': { group: 'Sign-in', label: 'Signed out everywhere else', sentence: (p) => `${p.actor} signed out everywhere else${forTarget(p)}${ended(p.detail.count, 'session')}` },
  'sessions.revoked_all': { group: 'Sign-in', label: 'Signed out everywhere', sentence: (p) => (p.self ? `${p.actor} signed out everywhere` : `${p.actor} signed ${who(p)} out everywhere`) + ended(p.detail.count, 'session') },
  'trusted_browser.added': { group: 'Sign-in', label: 'Browser trusted', sentence: (p) => `${who(p)} trusted a browser${count(p.detail.days) === undefined ? '' : ` for ${plural(count(p.detail.days)!, 'day', 'days')}`}` },
  'trusted_browser.removed': { group: 'Sign-in', label: 'Trusted browser removed', sentence: (p) => `${p.actor} removed a trusted browser${forTarget(p)}` },
  'sso.linked': { group: 'Sign-in', label: 'Single sign-on linked', sentence: (p) => `${who(p)}’s account was linked to single sign-on${text(p.detail.issuer) ? ` (${text(p.detail.issuer)})` : ''}` },

  // Two-factor authentication
  'two_factor.grace_started': { group: 'Two-factor', label: 'Grace period started', sentence: (p) => `${who(p)}’s grace period to set up 2FA started${utcDay(p.detail.deadline) ? ` — due ${utcDay(p.detail.deadline)}` : ''}` },
  'two_factor.grace_expired': { group: 'Two-factor', label: 'Grace period ended', sentence: (p) => `${who(p)}’s grace period to set up 2FA ended: signed out to set it up` + ended(p.detail.sessionsEnded, 'session') },
  '2fa.enabled': {
    group: 'Two-factor',
    label: '2FA turned on',
    sentence: (p) => `${p.actor} turned on two-factor authentication${forTarget(p)}${p.detail.factor === 'webauthn' ? ' with a security key' : ' with an authenticator app'}`,
  },
  '2fa.app_added': { group: 'Two-factor', label: 'Authenticator app added', sentence: (p) => `${p.actor} added an authenticator app${forTarget(p)}` },
  '2fa.reconfigured': { group: 'Two-factor', label: '2FA moved to a new app', sentence: (p) => `${p.actor} set up two-factor authentication again with a new app${forTarget(p)}` },
  '2fa.app_removed': { group: 'Two-factor', label: 'Authenticator app removed', sentence: (p) => `${p.actor} removed the authenticator app${forTarget(p)}` },
  '2fa.disabled': { group: 'Two-factor', label: '2FA turned off', sentence: (p) => `${p.actor} turned off two-factor authentication${forTarget(p)}${p.detail.lastKey === true ? ' (last security key removed)' : ''}` },
  '2fa.disable_refused': { group: 'Two-factor', label: 'Turning 2FA off refused', sentence: (p) => `${p.actor} tried to turn off two-factor authentication${forTarget(p)}, which is required: refused` },
  '2fa.recovery_codes_regenerated': { group: 'Two-factor', label: 'New recovery codes', sentence: (p) => `${p.actor} made new recovery codes${forTarget(p)}` },
  '2fa.reset': {
    group: 'Two-factor',
    label: '2FA reset',
    sentence: (p) => `${p.actor} reset 2FA for ${who(p)}${text(p.detail.reason) ? ` — reason: “${text(p.detail.reason)}”` : ''}`,
  },
  '2fa.suspended': { group: 'Two-factor', label: 'Sign-in suspended', sentence: (p) => `Sign-in suspended for ${who(p)} after too many failed second steps, until an administrator resets their 2FA` },

  // Security keys
  'webauthn.key_added': { group: 'Security keys', label: 'Security key added', sentence: (p) => `${p.actor} added the security key${quoted(p.detail.name)}${forTarget(p)}` },
  'webauthn.key_renamed': { group: 'Security keys', label: 'Security key renamed', sentence: (p) => `${p.actor} renamed a security key${p.self ? '' : ` of ${who(p)}`} to${quoted(p.detail.name) || ' a new name'}` },
  'webauthn.key_removed': { group: 'Security keys', label: 'Security key removed', sentence: (p) => `${p.actor} removed the security key${quoted(p.detail.name)}${forTarget(p)}` },
  'webauthn.counter_regression': {
    group: 'Security keys',
    label: 'Security key counter went back',
    sentence: (p) => `A security key of ${who(p)} was refused: its signature counter went back (it may have been copied)`,
  },

  // Accounts
  'user.created': { group: 'Accounts', label: 'Account created', sentence: (p) => `${p.actor} created the account of ${who(p)}${text(p.detail.role) ? ` as ${text(p.detail.role)}` : ''}` },
  'user.invited': { group: 'Accounts', label: 'User invited', sentence: (p) => `${p.actor} invited ${who(p)}${text(p.detail.role) ? ` as ${text(p.detail.role)}` : ''}` },
  'user.invitation_resent': { group: 'Accounts', label: 'Invitation resent', sentence: (p) => `${p.actor} sent ${who(p)} a new invitation` },
  'user.invitation_revoked': { group: 'Accounts', label: 'Invitation revoked', sentence: (p) => `${p.actor} revoked the invitation of ${text(p.detail.email) ?? who(p)}` },
  'user.invitation_accepted': { group: 'Accounts', label: 'Invitation accepted', sentence: (p) => `${who(p)} accepted their invitation` },
  'user.2fa_required': { group: 'Accounts', label: '2FA required of a user', sentence: (p) => `${p.actor} required two-factor authentication of ${who(p)}` },
  'user.2fa_not_required': { group: 'Accounts', label: '2FA no longer required of a user', sentence: (p) => `${p.actor} no longer requires two-factor authentication of ${who(p)}` },
  'user.deactivated': { group: 'Accounts', label: 'Account deactivated', sentence: (p) => `${p.actor} deactivated the account of ${who(p)}` },
  'user.reactivated': { group: 'Accounts', label: 'Account reactivated', sentence: (p) => `${p.actor} reactivated the account of ${who(p)}` },
  'password.changed': { group: 'Accounts', label: 'Password changed', sentence: (p) => `${p.actor} changed ${ofTarget(p)} password` },
  'password.reset_link_sent': { group: 'Accounts', label: 'Password reset link sent', sentence: (p) => `A password reset link was sent to ${who(p)}${p.self ? '' : ` (asked by ${p.actor})`}` },
  'password.reset': { group: 'Accounts', label: 'Password reset', sentence: (p) => `${who(p)} set a new password with a reset link` },
  'user.locale_changed': { group: 'Accounts', label: 'Language changed', sentence: (p) => `${p.actor} set ${ofTarget(p)} language to ${languageName(p.detail.locale)}` },

  // Organization
  'org.created': { group: 'Organization', label: 'Organization created', sentence: (p) => `${p.actor} created the organization${quoted(p.detail.slug)}` },
  'org.policy_changed': {
    group: 'Organization',
    label: '2FA policy changed',
    sentence: (p) => {
      const ended = count(p.detail.usersSignedOut);
      return `${p.actor} changed the 2FA policy from ${text(p.detail.from) ?? '?'} to ${text(p.detail.to) ?? '?'}${ended ? ` — ${plural(ended, 'user', 'users')} signed out` : ''}`;
    },
  },
  'org.passkey_sign_in_changed': { group: 'Organization', label: 'Passkey sign-in switched', sentence: (p) => `${p.actor} turned passkey sign-in ${onOff(p.detail.to)}` },
  'org.bulk_users_created': {
    group: 'Organization',
    label: 'Users added in bulk',
    sentence: (p) => `${p.actor} added ${count(p.detail.count) === undefined ? 'users' : plural(count(p.detail.count)!, 'user', 'users')} in bulk`,
  },
  'org.trusted_browsers_changed': {
    group: 'Organization',
    label: 'Trusted browsers setting changed',
    sentence: (p) => `${p.actor} changed trusted browsers from ${trustSetting(p.detail.from)} to ${trustSetting(p.detail.to)}${ended(p.detail.ended, 'trusted browser')}`,
  },
  'org.two_factor_grace_changed': {
    group: 'Organization',
    label: 'Grace period changed',
    sentence: (p) => `${p.actor} changed the grace period to set up 2FA from ${graceDays(p.detail.from)} to ${graceDays(p.detail.to)}`,
  },
  'audit.exported': { group: 'Organization', label: 'Audit log exported', sentence: (p) => `${p.actor} exported the audit log` },
  'users.exported': { group: 'Organization', label: 'Users list exported', sentence: (p) => `${p.actor} exported the users list` },

  // Operations (written without an organization: the CLI's audit:list of an org never shows them)
  'db.restored': { group: 'Operations', label: 'Database restored', sentence: (p) => `${p.actor} restored the database from a backup` },
  'mail.retried': { group: 'Operations', label: 'Mail retried', sentence: (p) => `${p.actor} retried ${count(p.detail.mails) === undefined ? 'failed mail' : plural(count(p.detail.mails)!, 'failed mail', 'failed mails')}` },
  'mail.test_queued': { group: 'Operations', label: 'Test mail queued', sentence: (p) => `${p.actor} queued a test mail${text(p.detail.to) ? ` to ${text(p.detail.to)}` : ''}` },
} satisfies Record<string, EventType>;

export type AuditAction = keyof typeof AUDIT_EVENTS;

export const AUDIT_ACTIONS = Object.keys(AUDIT_EVENTS) as AuditAction[];

export function isAuditAction(value: string): value is AuditAction {
  return Object.hasOwn(AUDIT_EVENTS, value);
}

/** The event types by group, in the registry's order, for the filter's select. */
export function eventTypeGroups(): { group: EventGroup; types: { action: AuditAction; label: string }[] }[] {
  const groups = new Map<EventGroup, { action: AuditAction; label: string }[]>();
  for (const action of AUDIT_ACTIONS) {
    const type: EventType = AUDIT_EVENTS[action];
    groups.set(type.group, [...(groups.get(type.group) ?? []), { action, label: type.label }]);
  }
  return [...groups].map(([group, types]) => ({ group, types }));
}

export function eventLabel(action: string): string {
  return isAuditAction(action) ? AUDIT_EVENTS[action].label : action;
}

/**
 * The sentence of one event. An old row's type no longer registered (or a detail of another shape)
 * reads as a neutral sentence with its raw code: the log never fails on what it once wrote.
 */
export function eventSentence(action: string, parts: SentenceParts): string {
  if (isAuditAction(action)) {
    try {
      const type: EventType = AUDIT_EVENTS[action];
      return type.sentence(parts);
    } catch {
      // A sentence function that trips over an odd detail falls back like an unknown type.
    }
  }
  return `${parts.actor}: event ${action}${parts.target ? ` about ${parts.target}` : ''}`;
}

/** How an event's actor is named in the log. */
export function actorName(kind: string, user: { name: string | null; email: string | null } | null): string {
  if (kind === 'operator') return 'An operator (command line)';
  if (kind === 'system') return 'Deskgate';
  return user?.name || user?.email || 'A removed user';
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
export function describeEvent(row: EventRow): { sentence: string; actor: string; target: string | null; detail: Record<string, unknown> } {
  const actor = actorName(row.actorKind, row.actorUserId === null || row.actorEmail === null ? null : { name: row.actorName, email: row.actorEmail });
  const target = row.targetUserId === null ? null : row.targetName || row.targetEmail || 'A removed user';
  const detail = parseDetail(row.detail);
  const self = row.actorKind === 'user' && row.actorUserId !== null && row.actorUserId === row.targetUserId;
  return { sentence: eventSentence(row.action, { actor, target, self, detail }), actor, target, detail };
}
