export const TWO_FACTOR_POLICIES = ['off', 'optional', 'required'] as const;
export type TwoFactorPolicy = (typeof TWO_FACTOR_POLICIES)[number];
export const ROLES = ['member', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const SIGN_IN_METHODS = ['password', 'sso'] as const;
export type SignInMethod = (typeof SIGN_IN_METHODS)[number];
// How a session (and the sign-in challenge before it) began: a passkey stands for password and second factor at once.
export const SESSION_METHODS = [...SIGN_IN_METHODS, 'passkey'] as const;
export type SessionMethod = (typeof SESSION_METHODS)[number];
export const CHALLENGE_PURPOSES = ['verify', 'setup', 'ready'] as const;
export type ChallengePurpose = (typeof CHALLENGE_PURPOSES)[number];
export const TWO_FACTOR_STATES = ['enabled', 'none', 'sso'] as const;
export const ACTOR_KINDS = ['user', 'operator', 'system'] as const;
export const WEBAUTHN_PURPOSES = ['register', 'second_factor', 'passkey'] as const;
export type WebAuthnPurpose = (typeof WEBAUTHN_PURPOSES)[number];
// As SimpleWebAuthn reports a credential (its backup eligibility flag).
export const WEBAUTHN_DEVICE_TYPES = ['singleDevice', 'multiDevice'] as const;
// What a single-use link sent by mail is for (account_tokens.purpose).
export const ACCOUNT_TOKEN_PURPOSES = ['password_reset', 'invitation'] as const;
export type AccountTokenPurpose = (typeof ACCOUNT_TOKEN_PURPOSES)[number];
// Which second factor a session's sign-in passed (sessions.second_factor); a passkey sign-in is its own method.
export const SECOND_FACTOR_KINDS = ['totp', 'webauthn', 'recovery_code', 'trusted_browser'] as const;
export type SecondFactorKind = (typeof SECOND_FACTOR_KINDS)[number];
// The languages of the interface (lib/i18n); users.locale holds one of them, or null to follow the browser.
export const LOCALES = ['en', 'de'] as const;
export type Locale = (typeof LOCALES)[number];
