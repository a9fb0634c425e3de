'use server';

import { redirect } from 'next/navigation';
import { orgUser } from '@/db/queries/admin-users';
import { adminAction, type ActionState } from '@/lib/action';
import { inviteUser, resendInvitation, revokeInvitation, type InvitationRefusal } from '@/lib/accounts/invitations';
import { config } from '@/lib/config';
import { inviteUserSchema, resendInvitationSchema, revokeInvitationSchema } from '@/lib/validation/forms';
import { actorOf, adminStepUp, NO_LONGER, NO_SUCH_USER } from '../step-up';

const refusals: Record<InvitationRefusal, string> = {
  // Emails are unique across the deployment: this tells the admin the address is in use somewhere.
  email_taken: 'AdminActions.emailTaken',
  not_found: NO_SUCH_USER,
  not_invited: 'AdminActions.notInvited',
  no_longer_admin: NO_LONGER,
  too_many: 'AdminActions.tooMany',
};

/** Adds a user (it creates access, so the admin steps up): a password user is mailed an invitation; an SSO user signs in through the IdP. */
export const inviteUserAction = adminAction(inviteUserSchema, async (input, { current, ip }): Promise<ActionState> => {
  // React empties the form after an action: the details are put back.
  const values = { name: input.name, email: input.email, role: input.role, method: input.method };
  if (input.method === 'sso' && !config().oidc) return { error: 'AdminActions.noSso', values };
  const denied = await adminStepUp(current, input, ip);
  if (denied) return { ...denied, values };
  const result = await inviteUser({ email: input.email, name: input.name, role: input.role, method: input.method }, { actor: actorOf(current), orgId: current.org.id, ip });
  if ('refused' in result) return { error: refusals[result.refused], fieldErrors: result.refused === 'email_taken' ? { email: [refusals.email_taken] } : undefined, values };
  redirect(`/admin/users?notice=${input.method === 'sso' ? 'added' : 'invited'}&user=${result.id}`);
});

/** Mails the invitation again with a new link (no step-up: it only mails the invitee). */
export const resendInvitationAction = adminAction(resendInvitationSchema, async ({ userId }, { current, ip }): Promise<ActionState> => {
  if (!(await orgUser(current.org.id, userId))) return { error: NO_SUCH_USER };
  const result = await resendInvitation(userId, { actor: actorOf(current), orgId: current.org.id, ip });
  if ('refused' in result) return { error: refusals[result.refused] };
  redirect(`/admin/users?notice=resent&user=${userId}`);
});

/** Withdraws a never-accepted invitation after a step-up: the invitee's account goes. */
export const revokeInvitationAction = adminAction(revokeInvitationSchema, async (input, { current, ip }): Promise<ActionState> => {
  if (!(await orgUser(current.org.id, input.userId))) return { error: NO_SUCH_USER };
  const denied = await adminStepUp(current, input, ip);
  if (denied) return denied;
  const result = await revokeInvitation(input.userId, { actor: actorOf(current), orgId: current.org.id, ip });
  if ('refused' in result) return { error: refusals[result.refused] };
  redirect('/admin/users?notice=revoked');
});
