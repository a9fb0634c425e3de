'use server';

import { refresh } from 'next/cache';
import { redirect } from 'next/navigation';
import { orgUser } from '@/db/queries/admin-users';
import { adminAction, type ActionState } from '@/lib/action';
import { message } from '@/lib/i18n/keys';
import { requestTranslator } from '@/lib/i18n/server';
import type { Translate } from '@/lib/i18n/translate';
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
    if (target.id === current.user.id) return { error: 'AdminActions.resetSelf' };
    if (target.signInMethod === 'sso') return { error: 'AdminActions.resetSso' };
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
  if (target.signInMethod === 'sso') return { error: 'AdminActions.requireSso' };
  const actor = actorOf(current);
  if (input.required === 'on') {
    const result = await setUserTwoFactorRequired(target.id, true, actor, ip);
    if ('refused' in result) return { error: NO_LONGER };
    // Translated here: a name is text, and message() would read a name of digits as a number.
    return { ok: (await requestTranslator())(result.sessionsEnded ? 'AdminActions.requiredSignedOut' : 'AdminActions.required', { name: target.name }) };
  }
  // Clearing a requirement weakens the account: the admin steps up, whatever the flag reads now.
  const denied = await adminStepUp(current, input, ip);
  if (denied) return denied;
  if ('refused' in await setUserTwoFactorRequired(target.id, false, actor, ip)) return { error: NO_LONGER };
  redirect(`/admin/users?notice=not-required&user=${target.id}`);
});

/** "A, B and C" in the reader's language. */
const names = (users: { name: string }[], t: Translate) =>
  users.length <= 1 ? (users[0]?.name ?? '') : t('AdminActions.bulk.names', { list: users.slice(0, -1).map((u) => u.name).join(', '), last: users.at(-1)!.name });

/** What a bulk requirement did, in words: who was changed, who was signed out, who was skipped and why. */
function describeBulkRequire(result: BulkRequireResult, org: { twoFactorPolicy: string; twoFactorGraceDays: number }, t: Translate): string {
  const { changed, signedOut, skipped } = result;
  // With a grace period, their next sign-in starts its clock (PRODUCT.md, grace period); the setup comes at its deadline.
  const next = org.twoFactorGraceDays > 0 ? t('AdminActions.bulk.nextGrace', { days: org.twoFactorGraceDays }) : t('AdminActions.bulk.nextNoGrace');
  const lines = [
    changed.length ? t('AdminActions.bulk.changed', { n: changed.length, names: names(changed, t) }) : t('AdminActions.bulk.nothing'),
    changed.length && org.twoFactorPolicy === 'off' ? t('AdminActions.bulk.policyOff') : null,
    signedOut.length ? t('AdminActions.bulk.signedOut', { next, names: names(signedOut, t) }) : null,
    skipped.alreadyRequired ? t('AdminActions.bulk.alreadyRequired', { n: skipped.alreadyRequired }) : null,
    skipped.sso ? t('AdminActions.bulk.sso', { n: skipped.sso }) : null,
    skipped.self ? t('AdminActions.bulk.self') : null,
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
  if (result.unknown.length) return { error: message('AdminActions.unknownSelected', { n: result.unknown.length }), fieldErrors: { userIds: ['AdminActions.selectShown'] } };
  // The table and the counts above it show the new flags (with JavaScript; without, the page is rendered anew).
  refresh();
  return { ok: describeBulkRequire(result, current.org, await requestTranslator()) };
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
  if ('needsStepUp' in result) return { error: 'AdminActions.policyRaced', fieldErrors: { password: [CONFIRM] }, values };
  if (!result.changed) return { ok: 'AdminActions.nothingChanged', values };
  // Translated here: the count is printed as it is (message() would pass it on as a number, formatted "1,000").
  return { values, ok: (await requestTranslator())('AdminActions.policySaved', { n: result.sessionsEnded, count: String(result.sessionsEnded) }) };
});

/** Passkey sign-in on or off for the organization (#15). */
export const setPasskeySignInAction = adminAction(setPasskeySignInSchema, async ({ passkeySignIn }, { current, ip }): Promise<ActionState> => {
  const values = { passkeySignIn };
  const result = await setPasskeySignIn(current.org.id, passkeySignIn === 'on', actorOf(current), ip);
  if ('refused' in result) return { error: NO_LONGER, values };
  if (!result.changed) return { ok: 'AdminActions.nothingChanged', values };
  return { ok: passkeySignIn === 'on' ? 'AdminActions.passkeyOn' : 'AdminActions.passkeyOff', values };
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
  if ('needsStepUp' in result) return { error: 'AdminActions.graceRaced', fieldErrors: { password: [CONFIRM] }, values };
  if (!result.changed) return { ok: 'AdminActions.nothingChanged', values };
  return { ok: graceDays === 0 ? 'AdminActions.graceNone' : message('AdminActions.graceDays', { days: graceDays }), values };
});

const SELF_DEACTIVATION = 'AdminActions.selfDeactivate';

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
