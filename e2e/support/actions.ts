import { readFileSync } from 'node:fs';
import path from 'node:path';
import { request as playwrightRequest, type APIRequestContext } from '@playwright/test';
import { baseURL } from './env';
import { actionFields } from './forms';
import { newSessionCookie } from './sessions';

// Every server action of the build, read from Next's own manifest: its id is public (it ships in
// the page), so a forged request needs nothing the browser does not already have.

interface ManifestEntry {
  exportedName?: string;
  filename?: string;
  workers: Record<string, unknown>;
}

export interface ServerAction {
  name: string;
  id: string;
  /** The source file that exports it. */
  file: string;
}

let cached: Map<string, ServerAction> | undefined;

/** The server actions of the build being tested, by exported name. */
export function serverActions(): Map<string, ServerAction> {
  if (cached) return cached;
  const manifest = JSON.parse(readFileSync(path.join(process.cwd(), '.next/server/server-reference-manifest.json'), 'utf8')) as { node: Record<string, ManifestEntry> };
  cached = new Map();
  for (const [id, entry] of Object.entries(manifest.node)) {
    if (entry.exportedName && entry.filename) cached.set(entry.exportedName, { name: entry.exportedName, id, file: entry.filename });
  }
  return cached;
}

/**
 * The hidden fields a no-JS browser posts for an action. A `state` action is a form action
 * wrapped in useActionState (called with the previous state, then the form); a `plain` one is
 * called with the form only.
 */
export function forgedActionFields(name: string, kind: 'state' | 'plain', bound = '[{}]'): Record<string, string> {
  const action = serverActions().get(name);
  if (!action) throw new Error(`no server action named ${name} in the build`);
  if (kind === 'plain') return { [`$ACTION_ID_${action.id}`]: '' };
  return { '$ACTION_REF_1': '', '$ACTION_1:0': JSON.stringify({ id: action.id, bound: '$@1' }), '$ACTION_1:1': bound, '$ACTION_KEY': 'k0' };
}

export interface ActionForm {
  kind: 'state' | 'plain';
  /** A page whose forms use the action (Next runs an action only on a page that imports it). */
  page: string;
  /** The fields its form has. */
  fields: string[];
}

/** Every server action, where it is posted and what its form carries. */
export const ACTION_FORMS: Record<string, ActionForm> = {
  signInAction: { kind: 'state', page: '/login', fields: ['email', 'password', 'callbackUrl'] },
  ssoSignInAction: { kind: 'plain', page: '/login', fields: ['callbackUrl'] },
  verifyCodeAction: { kind: 'state', page: '/login/verify', fields: ['method', 'code', 'recoveryCode', 'trust'] },
  cancelChallengeAction: { kind: 'plain', page: '/login/verify', fields: [] },
  keyOptionsAction: { kind: 'state', page: '/login/verify', fields: [] },
  verifyKeyAction: { kind: 'state', page: '/login/verify', fields: ['response', 'trust'] },
  passkeyOptionsAction: { kind: 'state', page: '/login', fields: [] },
  passkeySignInAction: { kind: 'state', page: '/login', fields: ['response', 'callbackUrl'] },
  confirmSetupAction: { kind: 'state', page: '/login/setup-2fa', fields: ['code'] },
  continueSignInAction: { kind: 'state', page: '/login/setup-2fa', fields: ['saved'] },
  signOutAction: { kind: 'plain', page: '/', fields: [] },
  startEnrollmentAction: { kind: 'state', page: '/profile/2fa', fields: ['password'] },
  confirmEnrollmentAction: { kind: 'state', page: '/profile/2fa', fields: ['code'] },
  cancelEnrollmentAction: { kind: 'plain', page: '/profile/2fa', fields: [] },
  reconfigureAction: { kind: 'state', page: '/profile/2fa', fields: ['password', 'code', 'recoveryCode'] },
  regenerateCodesAction: { kind: 'state', page: '/profile/2fa', fields: ['password', 'code', 'recoveryCode'] },
  disableAction: { kind: 'state', page: '/profile/2fa', fields: ['password', 'code', 'recoveryCode'] },
  changePasswordAction: { kind: 'state', page: '/profile/password', fields: ['currentPassword', 'newPassword', 'confirmPassword'] },
  setLocaleAction: { kind: 'state', page: '/profile/language', fields: ['locale'] },
  resetTwoFactorAction: { kind: 'state', page: '/admin/users', fields: ['userId', 'reason', 'password', 'code', 'recoveryCode'] },
  setTwoFactorRequiredAction: { kind: 'state', page: '/admin/users', fields: ['userId', 'required', 'password', 'code', 'recoveryCode'] },
  requireTwoFactorForSelectedAction: { kind: 'state', page: '/admin/users', fields: ['userIds', 'password', 'code', 'recoveryCode'] },
  setUserDeactivatedAction: { kind: 'state', page: '/admin/users', fields: ['userId', 'deactivated', 'password', 'code', 'recoveryCode'] },
  inviteUserAction: { kind: 'state', page: '/admin/users/new', fields: ['name', 'email', 'role', 'method', 'password', 'code', 'recoveryCode'] },
  resendInvitationAction: { kind: 'state', page: '/admin/users', fields: ['userId'] },
  revokeInvitationAction: { kind: 'state', page: '/admin/users', fields: ['userId', 'password', 'code', 'recoveryCode'] },
  acceptInvitationAction: { kind: 'state', page: '/invitation', fields: ['newPassword', 'confirmPassword'] },
  setPolicyAction: { kind: 'state', page: '/admin/settings', fields: ['policy', 'password', 'code', 'recoveryCode'] },
  keyStepUpOptionsAction: { kind: 'state', page: '/profile/2fa', fields: [] },
  startAddKeyAction: { kind: 'state', page: '/profile/2fa', fields: ['name', 'password', 'code', 'recoveryCode', 'webauthnResponse'] },
  finishAddKeyAction: { kind: 'state', page: '/profile/2fa', fields: ['name', 'response'] },
  renameKeyAction: { kind: 'state', page: '/profile/2fa', fields: ['credentialId', 'name'] },
  removeKeyAction: { kind: 'state', page: '/profile/2fa', fields: ['credentialId', 'password', 'code', 'recoveryCode', 'webauthnResponse'] },
  startSetupKeyAction: { kind: 'state', page: '/login/setup-2fa', fields: ['name'] },
  finishSetupKeyAction: { kind: 'state', page: '/login/setup-2fa', fields: ['name', 'response'] },
  setPasskeySignInAction: { kind: 'state', page: '/admin/settings', fields: ['passkeySignIn'] },
  setTrustedBrowsersAction: { kind: 'state', page: '/admin/settings', fields: ['trustedBrowsers', 'trustedBrowserDays'] },
  removeTrustedBrowserAction: { kind: 'state', page: '/profile/sessions', fields: ['id'] },
  setGraceDaysAction: { kind: 'state', page: '/admin/settings', fields: ['graceDays'] },
  requestPasswordResetAction: { kind: 'state', page: '/login/forgot-password', fields: ['email'] },
  resetPasswordAction: { kind: 'state', page: '/login/reset-password', fields: ['newPassword', 'confirmPassword'] },
  endSessionAction: { kind: 'state', page: '/profile/sessions', fields: ['session'] },
  endOtherSessionsAction: { kind: 'state', page: '/profile/sessions', fields: [] },
  signOutEverywhereAction: { kind: 'state', page: '/admin/users', fields: ['userId', 'password', 'code', 'recoveryCode'] },
};

/** Posts a forged call of the action to its page, as a browser without JavaScript would. */
export function postAction(context: APIRequestContext, name: string, values: Record<string, string>, options: { origin?: string; bound?: string } = {}) {
  const form = ACTION_FORMS[name]!;
  return context.post(form.page, { multipart: { ...forgedActionFields(name, form.kind, options.bound), ...values }, headers: { Origin: options.origin ?? baseURL }, maxRedirects: 0 });
}

/** A request context that carries a fresh session of the user, as after a finished sign-in. */
export async function sessionContext(userId: number, method: 'password' | 'sso' = 'password') {
  const { name, value } = await newSessionCookie(userId, method);
  return playwrightRequest.newContext({ baseURL, storageState: { cookies: [{ name, value, domain: new URL(baseURL).hostname, path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' }], origins: [] } });
}

/** A caller stopped after the password step: it holds a challenge cookie and nothing else. Returns where the step sent it. */
export async function challengeContext(user: { email: string; password: string }) {
  const context = await playwrightRequest.newContext({ baseURL });
  const fields = actionFields(await (await context.get('/login')).text(), 'email');
  const response = await context.post('/login', { multipart: { ...fields, email: user.email, password: user.password }, headers: { Origin: baseURL }, maxRedirects: 0 });
  return { context, location: response.headers()['location'] ?? '' };
}
