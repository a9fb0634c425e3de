'use server';

import { refresh } from 'next/cache';
import { redirect } from 'next/navigation';
import { orgUser } from '@/db/queries/admin-users';
import { adminAction, type ActionState } from '@/lib/action';
import { isLowering, setOrganizationPolicy } from '@/lib/accounts/organizations';
import { requireTwoFactorForUsers, setUserTwoFactorRequired, type BulkRequireResult } from '@/lib/accounts/users';
import { actorOf, adminStepUp, CONFIRM, NO_LONGER, NO_SUCH_USER } from './step-up';
import { resetTwoFactor } from '@/lib/auth/two-factor-changes';
import { requireTwoFactorForSelectedSchema, resetTwoFactorSchema, setGraceDaysSchema, setPasskeySignInSchema, setPolicySchema, setTwoFactorRequiredSchema, setUserDeactivatedSchema } from '@/lib/validation/forms';
import { setPasskeySignIn } from '@/lib/accounts/passkey-setting';
import { setGraceDays } from '@/lib/accounts/grace-setting';
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

const names = (users: { name: string }[]) => (users.length <= 1 ? (users[0]?.name ?? '') : `${users.slice(0, -1).map((u) => u.name).join(', ')} and ${users.at(-1)!.name}`);
const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What a bulk requirement did, in words: who was changed, who was signed out, who was skipped and why. */
function describeBulkRequire(result: BulkRequireResult): string {
  const { changed, signedOut, skipped } = result;
  const lines = [
    changed.length ? `2FA is now required for ${count(changed.length, 'user')}: ${names(changed)}.` : 'Nothing changed.',
    signedOut.length ? `Signed out to set it up at their next sign-in: ${names(signedOut)}.` : null,
    skipped.alreadyRequired ? `Skipped ${count(skipped.alreadyRequired, 'user')} already required to use 2FA.` : null,
    skipped.sso ? `Skipped ${count(skipped.sso, 'SSO user')}: their identity provider handles their 2FA.` : null,
    skipped.self ? 'Skipped your own account: set up your 2FA on your profile.' : null,
  ];
  return lines.filter((l) => l !== null).join(' ');
}

/**
 * "Require 2FA for selected" (#21): the single "Require 2FA" for the rows ticked in the users table,
 * in one transaction. It can sign several people out at once, so the admin steps up first.
 */
export const requireTwoFactorForSelectedAction = adminAction(requireTwoFactorForSelectedSchema, async (input, { current, ip }): Promise<ActionState> => {
  const denied = await adminStepUp(current, input, ip);
  if (denied) return denied;
  const result = await requireTwoFactorForUsers(current.org.id, input.userIds, actorOf(current), ip);
  if ('refused' in result) return { error: NO_LONGER };
  if (result.unknown.length) return { error: `${count(result.unknown.length, 'selected user is', 'selected users are')} not in your organization (any more), so nothing was changed. Reload the page and select again.`, fieldErrors: { userIds: ['Select users shown in the table.'] } };
  // The table and the counts above it show the new flags (with JavaScript; without, the page is rendered anew).
  refresh();
  return { ok: describeBulkRequire(result) };
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

/** The grace period for required 2FA, 0–30 days (#17). Raising or lowering it needs no step-up: nobody's 2FA is removed. */
export const setGraceDaysAction = adminAction(setGraceDaysSchema, async (input, { current, ip }): Promise<ActionState> => {
  const { graceDays } = input;
  const values = { graceDays: String(graceDays) };
  // More days let people sign in without 2FA for longer: confirm it's the admin (fewer days ask nothing).
  const raising = graceDays > current.org.twoFactorGraceDays;
  if (raising) {
    const denied = await adminStepUp(current, input, ip);
    if (denied) return { ...denied, values };
  }
  const result = await setGraceDays(current.org.id, graceDays, actorOf(current), ip, raising);
  if ('refused' in result) return { error: NO_LONGER, values };
  if ('needsStepUp' in result) return { error: 'Another administrator just changed the grace period. To allow more days, confirm it’s you.', fieldErrors: { password: [CONFIRM] }, values };
  if (!result.changed) return { ok: 'Nothing changed.', values };
  const period = graceDays === 0 ? 'Users who must have 2FA set it up at their next sign-in.' : `Users who must have 2FA may sign in without it for ${graceDays} day${graceDays === 1 ? '' : 's'} from their first sign-in after it became required.`;
  return { ok: `Saved. ${period}`, values };
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
