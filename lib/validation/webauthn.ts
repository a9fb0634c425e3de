// What a browser posts back from navigator.credentials.create()/get() (as @simplewebauthn/browser
// encodes it), checked before SimpleWebAuthn sees it: strings of bounded length, base64url where
// the format says so, nothing else trusted.
import { z } from 'zod';
import { message } from '@/lib/i18n/keys';
import { hasControlOrOverride } from './fields';
import type { AuthenticationResponseJSON, AuthenticatorTransportFuture, RegistrationResponseJSON } from '@simplewebauthn/server';

const base64url = (max: number) => z.string().min(1).max(max).regex(/^[A-Za-z0-9_-]+$/);

const TRANSPORTS = ['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'] as const satisfies readonly AuthenticatorTransportFuture[];
const isKnownTransport = (t: string): t is AuthenticatorTransportFuture => (TRANSPORTS as readonly string[]).includes(t);

// Transports are hints: one a newer browser reports and this code does not know is dropped, not refused.
const transportsField = z
  .array(z.string().max(32))
  .max(16)
  .optional()
  .transform((list) => list?.filter(isKnownTransport));

// A credential id is at most 1023 bytes (WebAuthn §5.1): 1364 base64url characters.
const credentialFields = {
  id: base64url(1364),
  rawId: base64url(1364),
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
};
const sameId = (c: { id: string; rawId: string }) => c.id === c.rawId;

export const registrationResponseSchema = z
  .object({
    ...credentialFields,
    response: z.object({
      clientDataJSON: base64url(8192),
      attestationObject: base64url(65_536),
      transports: transportsField,
    }),
  })
  .refine(sameId)
  .transform((r) => r as RegistrationResponseJSON);

export const authenticationResponseSchema = z
  .object({
    ...credentialFields,
    response: z.object({
      clientDataJSON: base64url(8192),
      authenticatorData: base64url(8192),
      signature: base64url(2048),
      // A user handle is at most 64 bytes.
      userHandle: base64url(86).optional(),
    }),
  })
  .refine(sameId)
  .transform((r) => r as AuthenticationResponseJSON);

/** The challenge the browser says it signed, read from clientDataJSON (SimpleWebAuthn checks the rest). */
export const clientDataChallenge = z
  .string()
  .transform((encoded, ctx) => {
    try {
      return JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'clientDataJSON is not JSON' });
      return z.NEVER;
    }
  })
  .pipe(z.object({ challenge: base64url(128) }))
  .transform((data) => data.challenge);

export const KEY_NAME_MAX = 64;

/** The name a user gives a key. */
export const keyNameField = z
  .string({ error: 'AccountValidation.keyNameRequired' })
  .trim()
  .min(1, 'AccountValidation.keyNameRequired')
  .max(KEY_NAME_MAX, message('AccountValidation.keyNameTooLong', { max: KEY_NAME_MAX }))
  .refine((s) => !hasControlOrOverride(s), 'AccountValidation.keyNameControl');

const USE_KEY_AGAIN = 'AccountValidation.useKeyAgain';

/**
 * A WebAuthn response as a form posts it: the JSON string @simplewebauthn/browser returned, parsed,
 * and checked against `shape` where the form alone decides (else where it is used). Anything else
 * is `message`, and nothing reaches the check that would count it as an attempt. A registration may
 * carry an attestation; an assertion is far shorter (`maxLength`).
 */
export function webauthnResponseField<T = unknown>(message = USE_KEY_AGAIN, shape: z.ZodType<T> = z.unknown() as z.ZodType<T>, maxLength = 100_000) {
  return z
    .string({ error: message })
    .max(maxLength, message)
    .transform((text, ctx) => {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      const parsed = shape.safeParse(json);
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    });
}

/** Adding a key: its name, and what the browser's navigator.credentials.create() returned. */
export const finishKeySchema = z.object({ name: keyNameField, response: webauthnResponseField() });

/** Renaming or removing one of the user's keys, named by its credential id. */
export const credentialIdField = z.string({ error: 'AccountValidation.chooseKey' }).min(1, 'AccountValidation.chooseKey').max(1364).regex(/^[A-Za-z0-9_-]+$/, 'AccountValidation.chooseKey');
