'use server';

import { redirect } from 'next/navigation';
import { publicAction, type ActionState } from '@/lib/action';
import { acceptInvitation } from '@/lib/accounts/invitations';
import { acceptInvitationSchema } from '@/lib/validation/forms';
import { INVITATION_ENDED } from './messages';

/** The invitee chooses a password: the link is used up, then they sign in as anyone does (and meet the 2FA policy). */
export const acceptInvitationAction = publicAction(acceptInvitationSchema, async ({ token, newPassword }, { ip }): Promise<ActionState> => {
  if (!(await acceptInvitation(token, newPassword, ip))) return { error: INVITATION_ENDED };
  redirect('/login?notice=password-set');
});
