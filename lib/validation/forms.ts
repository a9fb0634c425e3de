// The schemas of the server actions' forms. They live here, not in the 'use server' files
// (which may export only async functions), so that tests can feed them any FormData.
import { z } from 'zod';
import { LOCALES } from '@/db/enums';
import { message } from '@/lib/i18n/keys';
import { graceDaysField, invitationSchema, policyField } from './accounts';
import { authenticationResponseSchema, credentialIdField, keyNameField, webauthnResponseField } from './webauthn';

import { currentPasswordField, emailField, newPasswordField, optional, recoveryCodeField, totpCodeField } from './fields';

/** Sign-in, first step. */
export const signInSchema = z.object({
  email: emailField,
  password: currentPasswordField,
  // Where to go afterwards: a value that is not one plain string counts as absent (safeCallbackUrl then sends to /).
  callbackUrl: z.string().optional().catch(undefined),
});

/**
 * "Trust this browser for N days", ticked at the second step: only the checkbox's own value counts;
 * anything else a forged form sends is the box left empty (the server decides whether trust is allowed).
 */
const trustField = z.literal('yes').optional().catch(undefined);

/** Sign-in, second step: the form says which factor it carries; the other field is absent. */
export const verifyCodeSchema = z.discriminatedUnion(
  'method',
  [z.object({ method: z.literal('code'), code: totpCodeField, trust: trustField }), z.object({ method: z.literal('recovery'), recoveryCode: recoveryCodeField })],
  { error: 'Validation.verifyMethod' },
);

/** A code from the authenticator app that is being set up (at sign-in or on the profile). */
export const confirmCodeSchema = z.object({ code: totpCodeField });

/** Forced setup at sign-in, last step: the recovery codes were saved. */
export const continueSignInSchema = z.object({ saved: z.literal('yes', { error: 'Validation.codesSaved' }) });


/** Step-up before a sensitive change: the password, and a code unless one was verified recently. */
const stepUpFields = { password: currentPasswordField, code: optional(totpCodeField), recoveryCode: optional(recoveryCodeField), webauthnResponse: optional(webauthnResponseField()) };
/** For forms where only some choices need a step-up (the action decides). */
const stepUpFieldsWhenNeeded = { ...stepUpFields, password: optional(currentPasswordField) };

/** Starting 2FA setup (the app) on the profile: the password; a user who has keys already steps up with a second factor too. */
export const startEnrollmentSchema = z.object({ ...stepUpFields });

/** A sensitive 2FA change on the profile. */
export const stepUpSchema = z.object(stepUpFields);

export const changePasswordSchema = z
  .object({ currentPassword: currentPasswordField, newPassword: newPasswordField, confirmPassword: z.string({ error: 'AccountValidation.confirmPassword' }) })
  .refine((v) => v.newPassword === v.confirmPassword, { message: 'AccountValidation.passwordsDiffer', path: ['confirmPassword'] });

/** The profile's language setting: a language, or "browser" (empty: follow the browser's Accept-Language). */
export const setLocaleSchema = z.object({ locale: z.enum(['browser', ...LOCALES], { error: 'Validation.locale' }).transform((v) => (v === 'browser' ? null : v)) });

/** Forgot password: the address a link should go to. */
export const forgotPasswordSchema = z.object({ email: emailField });

/** The page a reset link opens: the new password twice (the token comes from the link's cookie, never the form). */
export const resetPasswordSchema = z
  .object({ newPassword: newPasswordField, confirmPassword: z.string({ error: 'AccountValidation.confirmPassword' }) })
  .refine((v) => v.newPassword === v.confirmPassword, { message: 'AccountValidation.passwordsDiffer', path: ['confirmPassword'] });

const userId = z.coerce.number({ error: 'AdminValidation.user' }).int().positive('AdminValidation.user').max(Number.MAX_SAFE_INTEGER);

/** Destructive admin changes step up like the profile: a reset always, "stop requiring" and lowering the policy from required. */
export const resetTwoFactorSchema = z.object({ userId, reason: z.string({ error: 'AdminValidation.reasonText' }).trim().max(500, 'AdminValidation.reasonTooLong').optional(), ...stepUpFields });

/** "Require 2FA for selected" (#21): the ticked rows' ids (a checkbox per row), at most 100, and the step-up. */
export const BULK_REQUIRE_MAX = 100;
const selectedUserIds = z.preprocess(
  (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]),
  z.array(userId, { error: 'AdminValidation.selectUsers' }).min(1, 'AdminValidation.selectAtLeastOne').max(BULK_REQUIRE_MAX, message('AdminValidation.selectAtMost', { max: BULK_REQUIRE_MAX })),
);
export const requireTwoFactorForSelectedSchema = z.object({ userIds: selectedUserIds, ...stepUpFields });

export const setTwoFactorRequiredSchema = z.object({ userId, required: z.enum(['on', 'off'], { error: 'AdminValidation.required' }), ...stepUpFieldsWhenNeeded });

export const setPolicySchema = z.object({ policy: policyField, ...stepUpFieldsWhenNeeded });

/** Adding a user from the users table: it creates access, so the admin steps up. */
export const inviteUserSchema = invitationSchema.extend(stepUpFields);

/** Resending an invitation (it only mails the invitee) and revoking one (step-up). */
export const resendInvitationSchema = z.object({ userId });
export const revokeInvitationSchema = z.object({ userId, ...stepUpFields });

/** The invitee chooses a password (the link's token is in its path-scoped cookie: lib/auth/link-cookie.ts). */
export const acceptInvitationSchema = z
  .object({ newPassword: newPasswordField, confirmPassword: z.string({ error: 'AccountValidation.repeatPassword' }) })
  .refine((v) => v.newPassword === v.confirmPassword, { message: 'AccountValidation.passwordsDifferInvitation', path: ['confirmPassword'] });

/** Deactivating or reactivating a user: the admin steps up either way. */
export const setUserDeactivatedSchema = z.object({ userId, deactivated: z.enum(['on', 'off'], { error: 'AdminValidation.deactivated' }), ...stepUpFields });

/** Adding a key on the profile: its name and the step-up (the browser's answer follows in finishKeySchema). */
export const startAddKeySchema = z.object({ name: keyNameField, ...stepUpFields });

/** Adding a key at forced setup: its name (the sign-in in progress is the step-up). */
export const startSetupKeySchema = z.object({ name: keyNameField });

export const renameKeySchema = z.object({ credentialId: credentialIdField, name: keyNameField });

export const removeKeySchema = z.object({ credentialId: credentialIdField, ...stepUpFields });

/** Asking for a challenge a key answers (step-up, the second step, passkey sign-in): no fields. */
export const keyOptionsSchema = z.object({});

// --- Signing in with a security key or a passkey (#15) ---

const KEY_FAILED = 'Validation.keyAnswerUnreadable';

/**
 * What navigator.credentials.get() returned, as @simplewebauthn/browser encodes it, posted as one
 * JSON string field and checked here for its shape: only a well-formed assertion reaches the second
 * step, where it counts as an attempt.
 */
const keyResponseField = webauthnResponseField(KEY_FAILED, authenticationResponseSchema, 20_000);

/** Sign-in, second step, with a security key. */
export const verifyKeySchema = z.object({ response: keyResponseField, trust: trustField });

/** "Sign in with a passkey" on /login. */
export const passkeySignInSchema = z.object({ response: keyResponseField, callbackUrl: z.string().optional().catch(undefined) });

/**
 * The organization's passkey sign-in setting (/admin/settings). Neither choice lowers anything (a
 * passkey with user verification is a multi-factor, phishing-resistant authenticator; off only
 * removes a way in), so, as raising the policy, it asks for no step-up.
 */
export const setPasskeySignInSchema = z.object({ passkeySignIn: z.enum(['on', 'off'], { error: 'AdminValidation.passkeySignIn' }) });

/** The organization's grace period for required 2FA (/admin/settings, #17). */
/** The grace period: more days need the admin's step-up (the action decides), fewer none. */
export const setGraceDaysSchema = z.object({ graceDays: graceDaysField, ...stepUpFieldsWhenNeeded });

/** The Devices tab: a session by its row key (a SHA-256 digest in base64url; whose it is, the action checks). */
export const endSessionSchema = z.object({ session: z.string({ error: 'AccountValidation.chooseSession' }).regex(/^[A-Za-z0-9_-]{43}$/, 'AccountValidation.chooseSession') });
export const endOtherSessionsSchema = z.object({});

/** An admin's "Sign out everywhere" for a user steps up like the other changes of the users table. */
export const signOutEverywhereSchema = z.object({ userId, ...stepUpFields });
// --- Trusted browsers (#17) ---

const TRUST_DAYS = 'AdminValidation.trustDays';

/**
 * The organization's "Trust this browser" setting (/admin/settings). Widening it (turning it on, more
 * days) lets people skip the second factor: the admin steps up, as for lowering the policy. Turning it
 * off or shortening it only takes away, and asks nothing.
 */
export const setTrustedBrowsersSchema = z.object({
  // A checkbox: present when ticked, absent when not.
  trustedBrowsers: z.literal('on', { error: 'AdminValidation.trustedBrowsers' }).optional(),
  trustedBrowserDays: z.preprocess((v) => (typeof v === 'string' && /^\s*\d{1,3}\s*$/.test(v) ? Number(v) : v), z.number({ error: TRUST_DAYS }).int({ error: TRUST_DAYS }).min(1, { error: TRUST_DAYS }).max(30, { error: TRUST_DAYS })),
  ...stepUpFieldsWhenNeeded,
});

/** "Remove" beside a trusted browser on the Devices tab: the row's id (a SHA-256 digest, base64url). */
export const removeTrustedBrowserSchema = z.object({ id: z.string({ error: 'AccountValidation.chooseBrowser' }).regex(/^[A-Za-z0-9_-]{43}$/, { error: 'AccountValidation.chooseBrowser' }) });
