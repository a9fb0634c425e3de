'use server';

import { redirect } from 'next/navigation';
import { publicAction, type ActionState } from '@/lib/action';
import { acceptInvitation } from '@/lib/accounts/invitations';
import { clearLinkToken, readLinkToken } from '@/lib/auth/link-cookie';
import { acceptInvitationSchema } from '@/lib/validation/forms';
import { INVITATION_ENDED } from './messages';

/** The invitee chooses a password: the link is used up, then they sign in as anyone does (and meet the 2FA policy). */
export const acceptInvitationAction = publicAction(acceptInvitationSchema, async ({ newPassword }, { ip }): Promise<ActionState> => {
  const token = await readLinkToken('/invitation');
  const accepted = token ? await acceptInvitation(token, newPassword, ip) : null;
  // Used or dead: this browser forgets the token either way.
  await clearLinkToken('/invitation');
  if (!accepted) return { error: INVITATION_ENDED };
  redirect('/login?notice=password-set');
});
