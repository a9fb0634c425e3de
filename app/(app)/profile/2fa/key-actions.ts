'use server';

import { redirect } from 'next/navigation';
import { userAction, type ActionState } from '@/lib/action';
import { mayStillRegister } from '@/lib/auth/key-changes';
import { KEY_REFUSED, NOT_ALLOWED_HERE } from '@/lib/auth/messages';
import type { CurrentSession } from '@/lib/auth/session';
import { checkStepUp } from '@/lib/auth/step-up';
import { removeOwnKey } from '@/lib/auth/two-factor-changes';
import { authenticationOptions, registrationOptions, renameKey, verifyRegistration } from '@/lib/auth/webauthn';
import { keyOptionsSchema, removeKeySchema, renameKeySchema, startAddKeySchema } from '@/lib/validation/forms';
import { finishKeySchema } from '@/lib/validation/webauthn';
import { message } from '@/lib/i18n/keys';
import { LAST_FACTOR_REQUIRED, mayManage, REFUSED } from './refusals';

const mayAddKeys = mayManage;
const owner = (current: CurrentSession) => ({ id: current.user.id, orgId: current.org.id, email: current.user.email, name: current.user.name });
const actor = (current: CurrentSession) => ({ kind: 'user' as const, userId: current.user.id, sessionId: current.sessionId });

/** A challenge for the user's keys, bound to this session: the step-up of any sensitive change. */
export const keyStepUpOptionsAction = userAction(keyOptionsSchema, async (_input, { current }): Promise<ActionState> => {
  const options = await authenticationOptions({ sessionId: current.sessionId }, current.user.id);
  if (!options) return { error: 'SecurityKeys.noKeys' };
  return { webauthnOptions: JSON.stringify(options) };
});

/** Step-up first; only then does the browser get a registration challenge, bound to this session. */
export const startAddKeyAction = userAction(startAddKeySchema, async (input, { current, ip }): Promise<ActionState> => {
  if (!mayAddKeys(current)) return { error: NOT_ALLOWED_HERE };
  const denied = await checkStepUp(current, input, ip);
  if (denied) return { ...denied, values: { name: input.name } };
  const options = await registrationOptions(owner(current), { sessionId: current.sessionId });
  return { webauthnOptions: JSON.stringify(options), values: { name: input.name } };
});

export const finishAddKeyAction = userAction(finishKeySchema, async ({ name, response }, { current, ip }): Promise<ActionState> => {
  if (!mayAddKeys(current)) return { error: NOT_ALLOWED_HERE };
  const binding = { sessionId: current.sessionId };
  const result = await verifyRegistration(owner(current), binding, response, name, ip, (tx) => mayStillRegister(tx, current.user.id, binding));
  if (!result.ok) return { error: KEY_REFUSED[result.reason] };
  if (result.codes) return { codes: result.codes, ok: message('Setup.keyAdded', { name }) };
  redirect('/profile/2fa?notice=key-added');
});

export const renameKeyAction = userAction(renameKeySchema, async ({ credentialId, name }, { current, ip }): Promise<ActionState> => {
  const result = await renameKey(current.user.id, credentialId, name, { actor: actor(current), ip });
  if (!result.ok) return result.reason === 'not_found' ? { error: REFUSED.not_found } : { error: result.message, fieldErrors: { name: [result.message] } };
  redirect('/profile/2fa?notice=key-renamed');
});

export const removeKeyAction = userAction(removeKeySchema, async (input, { current, ip }): Promise<ActionState> => {
  const denied = await checkStepUp(current, input, ip);
  if (denied) return denied;
  const refused = await removeOwnKey(current.user.id, input.credentialId, { actor: actor(current), orgId: current.org.id, ip, sessionId: current.sessionId });
  if (refused) return { error: refused === 'required' ? LAST_FACTOR_REQUIRED : REFUSED[refused] };
  redirect(current.user.totpEnabledAt === null && current.user.webauthnKeyCount <= 1 ? '/profile/2fa?notice=disabled' : '/profile/2fa?notice=key-removed');
});
