import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { ACCOUNT_TOKEN_PURPOSES, ACTOR_KINDS, CHALLENGE_PURPOSES, LOCALES, ROLES, SECOND_FACTOR_KINDS, SESSION_METHODS, SIGN_IN_METHODS, TWO_FACTOR_POLICIES, TWO_FACTOR_STATES, WEBAUTHN_DEVICE_TYPES, WEBAUTHN_PURPOSES } from '../enums';

// Times are Unix milliseconds: cheap to compare inside one conditional UPDATE.
const now = sql`(cast(unixepoch('subsec') * 1000 as integer))`;

export const organizations = sqliteTable('organizations', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  twoFactorPolicy: text('two_factor_policy', { enum: TWO_FACTOR_POLICIES }).notNull().default('optional'),
  passkeySignIn: integer('passkey_sign_in', { mode: 'boolean' }).notNull().default(true),
  // Whether the second step may offer "Trust this browser", and for how many days (1–30, a fixed window).
  trustedBrowsers: integer('trusted_browsers', { mode: 'boolean' }).notNull().default(true),
  trustedBrowserDays: integer('trusted_browser_days').notNull().default(30),
  // Days a user may still sign in without 2FA once it is required of them (0 = set up at once).
  twoFactorGraceDays: integer('two_factor_grace_days').notNull().default(0),
  createdAt: integer('created_at').notNull().default(now),
});

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    orgId: integer('org_id')
      .notNull()
      .references(() => organizations.id),
    email: text('email').notNull().unique(),
    name: text('name').notNull(),
    role: text('role', { enum: ROLES }).notNull().default('member'),
    signInMethod: text('sign_in_method', { enum: SIGN_IN_METHODS }).notNull(),
    passwordHash: text('password_hash'),
    twoFactorRequired: integer('two_factor_required', { mode: 'boolean' }).notNull().default(false),
    lastSignInAt: integer('last_sign_in_at'),
    createdAt: integer('created_at').notNull().default(now),
    // AES-256-GCM ciphertext of the base32 TOTP secret, the user id as associated data.
    totpSecret: text('totp_secret'),
    totpEnabledAt: integer('totp_enabled_at'),
    // The last accepted TOTP time step: a code is accepted only for a later step (replay).
    totpLastStep: integer('totp_last_step').notNull().default(0),
    // The later time step a failed code was told it matches (the clock-drift hint, "your phone is N
    // minutes fast"): that step's code is never accepted, so the hint tells a guesser nothing usable.
    totpHintedStep: integer('totp_hinted_step'),
    totpLastUsedAt: integer('totp_last_used_at'),
    recoveryCodesLeft: integer('recovery_codes_left').notNull().default(0),
    // Bumped by every change of the user's 2FA, so a stale enrollment cannot be confirmed.
    twoFactorVersion: integer('two_factor_version').notNull().default(0),
    // Bumped by every change a sign-in in progress must not outlive (password, 2FA, reset, policy,
    // requirement): the session is made only if it still equals what the password step saw.
    credentialsVersion: integer('credentials_version').notNull().default(0),
    // Consecutive second-factor failures across every prompt; at the hard cap the second step stays
    // suspended until an admin resets the user's 2FA. A success sets it back to 0.
    secondFactorFailures: integer('second_factor_failures').notNull().default(0),
    // SSO binding: once linked, the user is found by issuer + subject only, never by email again.
    oidcIssuer: text('oidc_issuer'),
    oidcSubject: text('oidc_subject'),
    // The WebAuthn user handle (random, base64url; never the email), set when the first key is registered.
    webauthnHandle: text('webauthn_handle').unique(),
    // How many WebAuthn keys the user has, kept in the transaction of every key insert and delete
    // (under the user's lock): two_factor_state reads it without a join.
    webauthnKeyCount: integer('webauthn_key_count').notNull().default(0),
    // Set when an admin invites the user (no password yet); cleared when they choose one from the invitation mail.
    invitedAt: integer('invited_at'),
    // Set while an admin has deactivated the user: no sign-in, no session.
    deactivatedAt: integer('deactivated_at'),
    // When this user's grace period began: their first sign-in after 2FA became required of them.
    // Cleared when they set 2FA up, and when it stops being required.
    twoFactorGraceStartedAt: integer('two_factor_grace_started_at'),
    // The language the user chose on the profile; null follows the browser's Accept-Language.
    locale: text('locale', { enum: LOCALES }),
    // Derived by SQLite itself, so it can never disagree with the columns above; indexed for the admin table.
    twoFactorState: text('two_factor_state', { enum: TWO_FACTOR_STATES }).generatedAlwaysAs(
      sql`case when sign_in_method = 'sso' then 'sso' when totp_enabled_at is not null or webauthn_key_count > 0 then 'enabled' else 'none' end`,
      { mode: 'virtual' },
    ),
  },
  (t) => [
    index('users_org_idx').on(t.orgId),
    // The admin table: keyset pages by name or by email within an organization, and prefix search.
    // Each also holds the other sort key, so a search reads and sorts index entries only.
    index('users_org_name_idx').on(t.orgId, sql`${t.name} collate nocase`, t.id, t.email),
    index('users_org_email_idx').on(t.orgId, t.email, t.id, sql`${t.name} collate nocase`),
    index('users_org_state_name_idx').on(t.orgId, t.twoFactorState, sql`${t.name} collate nocase`, t.id),
    index('users_org_state_email_idx').on(t.orgId, t.twoFactorState, t.email),
    // "Adoption at a glance": the counts by state, flag and grace standing read this index alone.
    index('users_org_adoption_idx').on(t.orgId, t.twoFactorState, t.twoFactorRequired, t.twoFactorGraceStartedAt),
    uniqueIndex('users_oidc_idx').on(t.oidcIssuer, t.oidcSubject),
  ],
);

export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    method: text('method', { enum: SESSION_METHODS }).notNull(),
    createdAt: integer('created_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    secondFactorAt: integer('second_factor_at'),
    revokedAt: integer('revoked_at'),
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
export const trustedBrowsers = sqliteTable(
  'trusted_browsers',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    credentialsVersion: integer('credentials_version').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    lastUsedAt: integer('last_used_at'),
    userAgent: text('user_agent'),
    clientAddress: text('client_address'),
  },
  (t) => [index('trusted_browsers_user_idx').on(t.userId), index('trusted_browsers_expires_idx').on(t.expiresAt)],
);

export const loginChallenges = sqliteTable(
  'login_challenges',
  {
    // SHA-256 of the token in the cookie: a database leak does not hand out live challenges.
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: CHALLENGE_PURPOSES }).notNull(),
    method: text('method', { enum: SESSION_METHODS }).notNull().default('password'),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    failures: integer('failures').notNull().default(0),
    secondFactorAt: integer('second_factor_at'),
    // Which second factor the sign-in passed (a trusted browser among them): the session keeps it.
    secondFactor: text('second_factor', { enum: SECOND_FACTOR_KINDS }),
    callbackUrl: text('callback_url'),
    // The user's credentials version when the password was checked (see users.credentialsVersion).
    credentialsVersion: integer('credentials_version').notNull().default(0),
  },
  // By expiry too: expired challenges (abandoned sign-ins) are swept a few at a time (lib/auth/challenge.ts).
  (t) => [index('login_challenges_user_idx').on(t.userId), index('login_challenges_expires_idx').on(t.expiresAt)],
);

export const pendingEnrollments = sqliteTable('pending_enrollments', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  secret: text('secret').notNull(),
  baseVersion: integer('base_version').notNull(),
  // The digest of the session (profile) or setup challenge (interstitial) that started it: only
  // that one may see the secret or confirm it.
  owner: text('owner').notNull().default(''),
  expiresAt: integer('expires_at').notNull(),
});

export const recoveryCodes = sqliteTable(
  'recovery_codes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    // HMAC-SHA-256 of the normalized code under the server's code key, hex.
    codeHash: text('code_hash').notNull(),
    usedAt: integer('used_at'),
  },
  (t) => [uniqueIndex('recovery_codes_hash_idx').on(t.codeHash), index('recovery_codes_user_idx').on(t.userId)],
);

export const throttleHits = sqliteTable(
  'throttle_hits',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    key: text('key').notNull(),
    at: integer('at').notNull(),
  },
  // By time too: expired hits are purged a few at a time, oldest first, whatever their key.
  (t) => [index('throttle_hits_key_idx').on(t.key, t.at), index('throttle_hits_at_idx').on(t.at)],
);

export const throttleLocks = sqliteTable(
  'throttle_locks',
  {
    key: text('key').primaryKey(),
    until: integer('until').notNull(),
  },
  (t) => [index('throttle_locks_until_idx').on(t.until)],
);

export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    orgId: integer('org_id').references(() => organizations.id),
    actorKind: text('actor_kind', { enum: ACTOR_KINDS }).notNull(),
    actorUserId: integer('actor_user_id'),
    targetUserId: integer('target_user_id'),
    action: text('action').notNull(),
    detail: text('detail'),
    ip: text('ip'),
    createdAt: integer('created_at').notNull(),
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

// A check value per key (HMAC of a constant under the key): an instance with another key than the
// one the data was written under refuses to start instead of failing on every other request.
export const keyChecks = sqliteTable('key_checks', {
  name: text('name').primaryKey(),
  digest: text('digest').notNull(),
});

export const webauthnCredentials = sqliteTable(
  'webauthn_credentials',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    // base64url, as the browser names it; unique across users: one authenticator credential, one account.
    credentialId: text('credential_id').notNull().unique(),
    // The COSE public key, base64url (text reads the same on both stores).
    publicKey: text('public_key').notNull(),
    signCount: integer('sign_count').notNull().default(0),
    // JSON array of the transports the browser reported (hints for allowCredentials).
    transports: text('transports').notNull().default('[]'),
    name: text('name').notNull(),
    deviceType: text('device_type', { enum: WEBAUTHN_DEVICE_TYPES }).notNull(),
    backedUp: integer('backed_up', { mode: 'boolean' }).notNull().default(false),
    // The authenticator verified its user (PIN, biometrics) when the key was added: only such a key
    // may sign in on its own (passkey sign-in). A key added without, later given a PIN by whoever
    // holds it, stays a second factor after the password.
    uvInitialized: integer('uv_initialized', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
  },
  (t) => [index('webauthn_credentials_user_idx').on(t.userId)],
);

export const webauthnChallenges = sqliteTable(
  'webauthn_challenges',
  {
    // SHA-256 of the challenge sent to the browser.
    id: text('id').primaryKey(),
    purpose: text('purpose', { enum: WEBAUTHN_PURPOSES }).notNull(),
    // Digest of what asked for it (a session, a sign-in challenge, a browser nonce): only that one may answer it.
    binding: text('binding').notNull(),
    // Whose keys it was issued for; none for passkey sign-in (the key names its user).
    userId: integer('user_id').references(() => users.id, { onDelete: 'cascade' }),
    // The user handle offered with a registration (checked against the user's when it is stored).
    handle: text('handle'),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('webauthn_challenges_expires_idx').on(t.expiresAt)],
);

// Single-use links sent by mail: a forgotten password's reset, an invitation to choose a password.
export const accountTokens = sqliteTable(
  'account_tokens',
  {
    // SHA-256 of the token in the link: a database leak does not hand out live links.
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: ACCOUNT_TOKEN_PURPOSES }).notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
  },
  (t) => [index('account_tokens_user_idx').on(t.userId), index('account_tokens_expires_idx').on(t.expiresAt)],
);

// The durable outbox: a mail is written in the transaction of the event that causes it and sent
// afterwards by the server's sender loop (claimed with a lease, so that one instance sends it).
export const mailOutbox = sqliteTable(
  'mail_outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    // What the mail is about (the template's name), for the log and the tests.
    kind: text('kind').notNull(),
    // The user it is for (deleted with them: an invitation revoked before it was sent is not sent).
    userId: integer('user_id').references(() => users.id, { onDelete: 'cascade' }),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    // Emptied once sent: a body may carry a single-use link.
    textBody: text('text_body'),
    htmlBody: text('html_body'),
    createdAt: integer('created_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    // An instance sending it holds it until then; after a crash another takes it over.
    claimedUntil: integer('claimed_until'),
    sentAt: integer('sent_at'),
    // Given up after the last retry.
    failedAt: integer('failed_at'),
    lastError: text('last_error'),
  },
  (t) => [index('mail_outbox_due_idx').on(t.sentAt, t.failedAt, t.nextAttemptAt), index('mail_outbox_user_idx').on(t.userId)],
);
