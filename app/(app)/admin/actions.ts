'use server';

import { redirect } from 'next/navigation';
import { orgUser } from '@/db/queries/admin-users';
import { adminAction, type ActionState } from '@/lib/action';
import { setOrganizationPolicy } from '@/lib/accounts/organizations';
import { setUserTwoFactorRequired } from '@/lib/accounts/users';
import { resetTwoFactor } from '@/lib/auth/two-factor-changes';
import { resetTwoFactorSchema, setPolicySchema, setTwoFactorRequiredSchema } from '@/lib/validation/forms';

const NO_SUCH_USER = 'There is no such user in your organization.';

export const resetTwoFactorAction = adminAction(
  resetTwoFactorSchema,
  async (input, { current, ip }): Promise<ActionState> => {
    const target = orgUser(current.org.id, input.userId);
    if (!target) return { error: NO_SUCH_USER };
    if (target.id === current.user.id) return { error: 'You cannot reset your own 2FA here. Use your profile instead.' };
    if (target.signInMethod === 'sso') return { error: "This user signs in through the identity provider, which handles their 2FA." };
    resetTwoFactor(target.id, { actor: { kind: 'user', userId: current.user.id }, orgId: current.org.id, ip, reason: input.reason || undefined });
    redirect(`/admin/users?notice=reset&email=${encodeURIComponent(target.email)}`);
  },
);

export const setTwoFactorRequiredAction = adminAction(setTwoFactorRequiredSchema, async (input, { current, ip }): Promise<ActionState> => {
  const target = orgUser(current.org.id, input.userId);
  if (!target) return { error: NO_SUCH_USER };
  if (target.signInMethod === 'sso') return { error: 'SSO users have no Deskgate 2FA.' };
  const on = input.required === 'on';
  const result = setUserTwoFactorRequired(target.id, on, { kind: 'user', userId: current.user.id }, ip);
  return { ok: on ? `2FA is now required for ${target.name}.${result.sessionsEnded ? ' They were signed out and will set it up at their next sign-in.' : ''}` : `2FA is no longer required for ${target.name}.` };
});

export const setPolicyAction = adminAction(setPolicySchema, async ({ policy }, { current, ip }): Promise<ActionState> => {
  const result = setOrganizationPolicy(current.org.id, policy, { kind: 'user', userId: current.user.id }, ip);
  if (!result.changed) return { ok: 'Nothing changed.' };
  return { ok: `Saved. ${result.sessionsEnded} user${result.sessionsEnded === 1 ? '' : 's'} without 2FA ${result.sessionsEnded === 1 ? 'was' : 'were'} signed out to set it up.` };
});
