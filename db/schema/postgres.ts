import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ACCOUNT_TOKEN_PURPOSES, ACTOR_KINDS, CHALLENGE_PURPOSES, LOCALES, ROLES, SECOND_FACTOR_KINDS, SESSION_METHODS, SIGN_IN_METHODS, TWO_FACTOR_POLICIES, TWO_FACTOR_STATES, WEBAUTHN_DEVICE_TYPES, WEBAUTHN_PURPOSES } from '../enums';

// The same tables, columns, constraints and indexes as ./sqlite.ts (db/schema.test.ts compares them).
// Times are Unix milliseconds in a bigint, read as JavaScript numbers.
const millis = (name: string) => bigint(name, { mode: 'number' });
const now = sql`((extract(epoch from clock_timestamp()) * 1000)::bigint)`;
const id = () => integer('id').primaryKey().generatedByDefaultAsIdentity();
// SQLite's `collate nocase` order and prefix ranges: lower-cased, compared byte by byte.
const caseless = (column: unknown) => sql`lower(${column}) collate "C"`;
const bytewise = (column: unknown) => sql`${column} collate "C"`;

export const organizations = pgTable('organizations', {
  id: id(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  twoFactorPolicy: text('two_factor_policy', { enum: TWO_FACTOR_POLICIES }).notNull().default('optional'),
  passkeySignIn: boolean('passkey_sign_in').notNull().default(true),
  // Whether the second step may offer "Trust this browser", and for how many days (1–30, a fixed window).
  trustedBrowsers: boolean('trusted_browsers').notNull().default(true),
  trustedBrowserDays: integer('trusted_browser_days').notNull().default(30),
  // Days a user may still sign in without 2FA once it is required of them (0 = set up at once).
  twoFactorGraceDays: integer('two_factor_grace_days').notNull().default(0),
  createdAt: millis('created_at').notNull().default(now),
});

export const users = pgTable(
  'users',
  {
    id: id(),
    orgId: integer('org_id')
      .notNull()
      .references(() => organizations.id),
    email: text('email').notNull().unique(),
    name: text('name').notNull(),
    role: text('role', { enum: ROLES }).notNull().default('member'),
    signInMethod: text('sign_in_method', { enum: SIGN_IN_METHODS }).notNull(),
    passwordHash: text('password_hash'),
    twoFactorRequired: boolean('two_factor_required').notNull().default(false),
    lastSignInAt: millis('last_sign_in_at'),
    createdAt: millis('created_at').notNull().default(now),
    totpSecret: text('totp_secret'),
    totpEnabledAt: millis('totp_enabled_at'),
    totpLastStep: integer('totp_last_step').notNull().default(0),
    totpHintedStep: integer('totp_hinted_step'),
    totpLastUsedAt: millis('totp_last_used_at'),
    recoveryCodesLeft: integer('recovery_codes_left').notNull().default(0),
    twoFactorVersion: integer('two_factor_version').notNull().default(0),
    credentialsVersion: integer('credentials_version').notNull().default(0),
    secondFactorFailures: integer('second_factor_failures').notNull().default(0),
    oidcIssuer: text('oidc_issuer'),
    oidcSubject: text('oidc_subject'),
    webauthnHandle: text('webauthn_handle').unique(),
    webauthnKeyCount: integer('webauthn_key_count').notNull().default(0),
    // Set when an admin invites the user (no password yet); cleared when they choose one from the invitation mail.
    invitedAt: millis('invited_at'),
    // Set while an admin has deactivated the user: no sign-in, no session.
    deactivatedAt: millis('deactivated_at'),
    // When this user's grace period began: their first sign-in after 2FA became required of them.
    // Cleared when they set 2FA up, and when it stops being required.
    twoFactorGraceStartedAt: millis('two_factor_grace_started_at'),
    // The language the user chose on the profile; null follows the browser's Accept-Language.
    locale: text('locale', { enum: LOCALES }),
    // Stored (PostgreSQL indexes no virtual column), derived by the database as on SQLite.
    twoFactorState: text('two_factor_state', { enum: TWO_FACTOR_STATES }).generatedAlwaysAs(
      sql`case when sign_in_method = 'sso' then 'sso' when totp_enabled_at is not null or webauthn_key_count > 0 then 'enabled' else 'none' end`,
    ),
  },
  (t) => [
    index('users_org_idx').on(t.orgId),
    index('users_org_name_idx').on(t.orgId, caseless(t.name), t.id, bytewise(t.email)),
    index('users_org_email_idx').on(t.orgId, bytewise(t.email), t.id, caseless(t.name)),
    index('users_org_state_name_idx').on(t.orgId, t.twoFactorState, caseless(t.name), t.id),
    index('users_org_state_email_idx').on(t.orgId, t.twoFactorState, bytewise(t.email)),
    // "Adoption at a glance": the counts by state, flag and grace standing read this index alone.
    index('users_org_adoption_idx').on(t.orgId, t.twoFactorState, t.twoFactorRequired, t.twoFactorGraceStartedAt),
    uniqueIndex('users_oidc_idx').on(t.oidcIssuer, t.oidcSubject),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    method: text('method', { enum: SESSION_METHODS }).notNull(),
    createdAt: millis('created_at').notNull(),
    lastSeenAt: millis('last_seen_at').notNull(),
    secondFactorAt: millis('second_factor_at'),
    revokedAt: millis('revoked_at'),
    // For the Devices tab: which second factor the sign-in passed, and the browser and address it came from.
    secondFactor: text('second_factor', { enum: SECOND_FACTOR_KINDS }),
    userAgent: text('user_agent'),
    clientAddress: text('client_address'),
  },
  // By start too: sessions past their lifetime are swept a few at a time, oldest first (lib/auth/session.ts).
  // Not by last use: the once-a-minute touch would then rewrite an index entry (and, on PostgreSQL, every index's).
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_created_idx').on(t.createdAt)],
);

// "Trust this browser": a random token in an HttpOnly cookie, stored as its SHA-256 digest, bound to
// the user and to their credentials version (any password or 2FA change retires it). The window is
// fixed at creation and never extended.
export const trustedBrowsers = pgTable(
  'trusted_browsers',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    credentialsVersion: integer('credentials_version').notNull(),
    createdAt: millis('created_at').notNull(),
    expiresAt: millis('expires_at').notNull(),
    lastUsedAt: millis('last_used_at'),
    userAgent: text('user_agent'),
    clientAddress: text('client_address'),
  },
  (t) => [index('trusted_browsers_user_idx').on(t.userId), index('trusted_browsers_expires_idx').on(t.expiresAt)],
);

export const loginChallenges = pgTable(
  'login_challenges',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: CHALLENGE_PURPOSES }).notNull(),
    method: text('method', { enum: SESSION_METHODS }).notNull().default('password'),
    createdAt: millis('created_at').notNull(),
    expiresAt: millis('expires_at').notNull(),
    failures: integer('failures').notNull().default(0),
    secondFactorAt: millis('second_factor_at'),
    // Which second factor the sign-in passed (a trusted browser among them): the session keeps it.
    secondFactor: text('second_factor', { enum: SECOND_FACTOR_KINDS }),
    callbackUrl: text('callback_url'),
    credentialsVersion: integer('credentials_version').notNull().default(0),
  },
  // By expiry too: expired challenges (abandoned sign-ins) are swept a few at a time (lib/auth/challenge.ts).
  (t) => [index('login_challenges_user_idx').on(t.userId), index('login_challenges_expires_idx').on(t.expiresAt)],
);

export const pendingEnrollments = pgTable('pending_enrollments', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  secret: text('secret').notNull(),
  baseVersion: integer('base_version').notNull(),
  owner: text('owner').notNull().default(''),
  expiresAt: millis('expires_at').notNull(),
});

export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: id(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: millis('used_at'),
  },
  (t) => [uniqueIndex('recovery_codes_hash_idx').on(t.codeHash), index('recovery_codes_user_idx').on(t.userId)],
);

export const throttleHits = pgTable(
  'throttle_hits',
  {
    id: id(),
    key: text('key').notNull(),
    at: millis('at').notNull(),
  },
  (t) => [index('throttle_hits_key_idx').on(t.key, t.at), index('throttle_hits_at_idx').on(t.at)],
);

export const throttleLocks = pgTable(
  'throttle_locks',
  {
    key: text('key').primaryKey(),
    until: millis('until').notNull(),
  },
  (t) => [index('throttle_locks_until_idx').on(t.until)],
);

export const auditEvents = pgTable(
  'audit_events',
  {
    id: id(),
    orgId: integer('org_id').references(() => organizations.id),
    actorKind: text('actor_kind', { enum: ACTOR_KINDS }).notNull(),
    actorUserId: integer('actor_user_id'),
    targetUserId: integer('target_user_id'),
    action: text('action').notNull(),
    detail: text('detail'),
    ip: text('ip'),
    createdAt: millis('created_at').notNull(),
  },
  // The audit log pages by id within an organization, filtered by type, by user (actor or target)
  // and by date: each filter has an index that serves it in id order (or, for dates, a range).
  (t) => [
    index('audit_org_idx').on(t.orgId, t.id),
    index('audit_org_action_idx').on(t.orgId, t.action, t.id),
    index('audit_org_target_idx').on(t.orgId, t.targetUserId, t.id),
    index('audit_org_actor_idx').on(t.orgId, t.actorUserId, t.id),
    index('audit_org_created_idx').on(t.orgId, t.createdAt),
  ],
);

export const keyChecks = pgTable('key_checks', {
  name: text('name').primaryKey(),
  digest: text('digest').notNull(),
});

export const webauthnCredentials = pgTable(
  'webauthn_credentials',
  {
    id: id(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    credentialId: text('credential_id').notNull().unique(),
    publicKey: text('public_key').notNull(),
    // An authenticator's counter is an unsigned 32-bit number: past PostgreSQL's integer.
    signCount: bigint('sign_count', { mode: 'number' }).notNull().default(0),
    transports: text('transports').notNull().default('[]'),
    name: text('name').notNull(),
    deviceType: text('device_type', { enum: WEBAUTHN_DEVICE_TYPES }).notNull(),
    backedUp: boolean('backed_up').notNull().default(false),
    uvInitialized: boolean('uv_initialized').notNull().default(false),
    createdAt: millis('created_at').notNull(),
    lastUsedAt: millis('last_used_at'),
  },
  (t) => [index('webauthn_credentials_user_idx').on(t.userId)],
);

export const webauthnChallenges = pgTable(
  'webauthn_challenges',
  {
    id: text('id').primaryKey(),
    purpose: text('purpose', { enum: WEBAUTHN_PURPOSES }).notNull(),
    binding: text('binding').notNull(),
    userId: integer('user_id').references(() => users.id, { onDelete: 'cascade' }),
    handle: text('handle'),
    expiresAt: millis('expires_at').notNull(),
  },
  (t) => [index('webauthn_challenges_expires_idx').on(t.expiresAt)],
);

// Single-use links sent by mail: a forgotten password's reset, an invitation to choose a password.
export const accountTokens = pgTable(
  'account_tokens',
  {
    // SHA-256 of the token in the link: a database leak does not hand out live links.
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: ACCOUNT_TOKEN_PURPOSES }).notNull(),
    createdAt: millis('created_at').notNull(),
    expiresAt: millis('expires_at').notNull(),
    usedAt: millis('used_at'),
  },
  (t) => [index('account_tokens_user_idx').on(t.userId), index('account_tokens_expires_idx').on(t.expiresAt)],
);

// The durable outbox: a mail is written in the transaction of the event that causes it and sent
// afterwards by the server's sender loop (claimed with a lease, so that one instance sends it).
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: id(),
    // What the mail is about (the template's name), for the log and the tests.
    kind: text('kind').notNull(),
    // The user it is for (deleted with them: an invitation revoked before it was sent is not sent).
    userId: integer('user_id').references(() => users.id, { onDelete: 'cascade' }),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    // Emptied once sent: a body may carry a single-use link.
    textBody: text('text_body'),
    htmlBody: text('html_body'),
    createdAt: millis('created_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: millis('next_attempt_at').notNull(),
    // An instance sending it holds it until then; after a crash another takes it over.
    claimedUntil: millis('claimed_until'),
    sentAt: millis('sent_at'),
    // Given up after the last retry.
    failedAt: millis('failed_at'),
    lastError: text('last_error'),
  },
  (t) => [index('mail_outbox_due_idx').on(t.sentAt, t.failedAt, t.nextAttemptAt), index('mail_outbox_user_idx').on(t.userId)],
);
