'use server';

import { redirect } from 'next/navigation';
import { orgUser } from '@/db/queries/admin-users';
import { adminAction, type ActionState } from '@/lib/action';
import { isLowering, setOrganizationPolicy } from '@/lib/accounts/organizations';
import { setUserTwoFactorRequired } from '@/lib/accounts/users';
import { actorOf, adminStepUp, CONFIRM, NO_LONGER, NO_SUCH_USER } from './step-up';
import { resetTwoFactor } from '@/lib/auth/two-factor-changes';
import { resetTwoFactorSchema, setPasskeySignInSchema, setPolicySchema, setTwoFactorRequiredSchema, setUserDeactivatedSchema } from '@/lib/validation/forms';
import { setPasskeySignIn } from '@/lib/accounts/passkey-setting';
import { setUserDeactivated } from '@/lib/accounts/deactivation';
import { signOut } from '@/lib/auth/auth';
import { signOutEverywhere } from '@/lib/auth/devices';
import { signOutEverywhereSchema } from '@/lib/validation/forms';

export const resetTwoFactorAction = adminAction(
  resetTwoFactorSchema,
  async (input, { current, ip }): Promise<ActionState> => {
    const target = await orgUser(current.org.id, input.userId);
    if (!target) return { error: NO_SUCH_USER };
    if (target.id === current.user.id) return { error: 'You cannot reset your own 2FA here. Use your profile instead.' };
    if (target.signInMethod === 'sso') return { error: "This user signs in through the identity provider, which handles their 2FA." };
    const denied = await adminStepUp(current, input, ip);
    // React empties the form after an action: the reason is put back.
    if (denied) return { ...denied, values: { reason: input.reason ?? '' } };
    if (!await resetTwoFactor(target.id, { actor: actorOf(current), orgId: current.org.id, ip, reason: input.reason || undefined })) return { error: NO_LONGER };
    redirect(`/admin/users?notice=reset&user=${target.id}`);
  },
);

export const setTwoFactorRequiredAction = adminAction(setTwoFactorRequiredSchema, async (input, { current, ip }): Promise<ActionState> => {
  const target = await orgUser(current.org.id, input.userId);
  if (!target) return { error: NO_SUCH_USER };
  if (target.signInMethod === 'sso') return { error: 'SSO users have no Deskgate 2FA.' };
  const actor = actorOf(current);
  if (input.required === 'on') {
    const result = await setUserTwoFactorRequired(target.id, true, actor, ip);
    if ('refused' in result) return { error: NO_LONGER };
    return { ok: `2FA is now required for ${target.name}.${result.sessionsEnded ? ' They were signed out and will set it up at their next sign-in.' : ''}` };
  }
  // Clearing a requirement weakens the account: the admin steps up, whatever the flag reads now.
  const denied = await adminStepUp(current, input, ip);
  if (denied) return denied;
  if ('refused' in await setUserTwoFactorRequired(target.id, false, actor, ip)) return { error: NO_LONGER };
  redirect(`/admin/users?notice=not-required&user=${target.id}`);
});

export const setPolicyAction = adminAction(setPolicySchema, async (input, { current, ip }): Promise<ActionState> => {
  const { policy } = input;
  const lowering = isLowering(current.org.twoFactorPolicy, policy);
  // React empties the form after an action: the chosen policy is put back, saved or refused.
  const values = { policy };
  if (lowering) {
    const denied = await adminStepUp(current, input, ip);
    if (denied) return { ...denied, values };
  }
  const result = await setOrganizationPolicy(current.org.id, policy, actorOf(current), ip, lowering);
  if ('refused' in result) return { error: NO_LONGER, values };
  if ('needsStepUp' in result) return { error: 'Another administrator just raised the policy. To lower it, confirm it’s you.', fieldErrors: { password: [CONFIRM] }, values };
  if (!result.changed) return { ok: 'Nothing changed.', values };
  return { values, ok: `Saved. ${result.sessionsEnded} user${result.sessionsEnded === 1 ? '' : 's'} without 2FA ${result.sessionsEnded === 1 ? 'was' : 'were'} signed out to set it up.` };
});

/** Passkey sign-in on or off for the organization (#15). */
export const setPasskeySignInAction = adminAction(setPasskeySignInSchema, async ({ passkeySignIn }, { current, ip }): Promise<ActionState> => {
  const values = { passkeySignIn };
  const result = await setPasskeySignIn(current.org.id, passkeySignIn === 'on', actorOf(current), ip);
  if ('refused' in result) return { error: NO_LONGER, values };
  if (!result.changed) return { ok: 'Nothing changed.', values };
  return { ok: passkeySignIn === 'on' ? 'Saved. People can now sign in with a passkey.' : 'Saved. Passkeys can no longer be used to sign in; security keys still work as a second step.', values };
});

const SELF_DEACTIVATION = 'You cannot deactivate your own account. Ask another administrator.';

/** Deactivates or reactivates a user of the admin's organization (not themselves), after a step-up. */
export const setUserDeactivatedAction = adminAction(setUserDeactivatedSchema, async (input, { current, ip }): Promise<ActionState> => {
  const target = await orgUser(current.org.id, input.userId);
  if (!target) return { error: NO_SUCH_USER };
  if (target.id === current.user.id) return { error: SELF_DEACTIVATION };
  const denied = await adminStepUp(current, input, ip);
  if (denied) return denied;
  const deactivate = input.deactivated === 'on';
  const result = await setUserDeactivated(target.id, deactivate, { actor: actorOf(current), orgId: current.org.id, ip });
  if ('refused' in result) return { error: result.refused === 'self' ? SELF_DEACTIVATION : result.refused === 'not_found' ? NO_SUCH_USER : NO_LONGER };
  redirect(`/admin/users?notice=${deactivate ? 'deactivated' : 'reactivated'}&user=${target.id}`);
});

/**
 * "Sign out everywhere" for a user of the admin's organization, after a step-up. The admin's own row
 * is allowed (as on GitHub): it ends their session too, and the next page is the sign-in.
 */
export const signOutEverywhereAction = adminAction(signOutEverywhereSchema, async (input, { current, ip }): Promise<ActionState> => {
  const target = await orgUser(current.org.id, input.userId);
  if (!target) return { error: NO_SUCH_USER };
  const denied = await adminStepUp(current, input, ip);
  if (denied) return denied;
  const result = await signOutEverywhere(target.id, { actor: actorOf(current), orgId: current.org.id, ip });
  if ('refused' in result) return { error: result.refused === 'not_found' ? NO_SUCH_USER : NO_LONGER };
  // Their own session ended with the others: the cookie goes too, and the next page is the sign-in.
  if (target.id === current.user.id) await signOut({ redirectTo: '/login' });
  redirect(`/admin/users?notice=signed-out&user=${target.id}`);
});
