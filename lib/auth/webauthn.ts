// Security keys and passkeys (WebAuthn, SimpleWebAuthn 13): the protocol and the stored keys.
// Challenges live in the database (any instance finishes what another started), are used once,
// expire after 5 minutes and answer only to what asked for them (see WebAuthnBinding).
export { relyingParty, WEBAUTHN_CHALLENGE_MS, type WebAuthnBinding } from './webauthn-challenges';
export { registrationOptions, verifyRegistration, type KeyOwner, type RegistrationFailure, type RegistrationResult } from './webauthn-registration';
export { authenticationOptions, beginAssertion, verifyAuthentication, type AuthenticationExpectation, type AuthenticationFailure, type AuthenticationResult, type VerifiedAssertion } from './webauthn-authentication';
export { listKeys, removeKey, renameKey, type KeyChangeContext, type KeySummary, type RenameResult } from './webauthn-keys';
