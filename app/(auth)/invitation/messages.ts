/** Used, expired, revoked or unknown: one plain sentence, and what to do. */
export const INVITATION_ENDED = 'This invitation has expired or was already used. Ask your administrator for a new one.';
