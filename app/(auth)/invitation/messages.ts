/** Used, expired, revoked or unknown: one plain sentence, and what to do (a message key, Invitation). */
export const INVITATION_ENDED = 'Invitation.ended';
