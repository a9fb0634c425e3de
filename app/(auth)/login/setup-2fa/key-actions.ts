'use server';

import { redirect } from 'next/navigation';
import { publicAction, type ActionState } from '@/lib/action';
import { findUserById } from '@/lib/accounts/users';
import { currentChallenge, setChallengeCookie } from '@/lib/auth/challenge-cookie';
import { mayStillRegister } from '@/lib/auth/key-changes';
import { KEY_REFUSED } from '@/lib/auth/messages';
import { registrationOptions, verifyRegistration } from '@/lib/auth/webauthn';
import { message } from '@/lib/i18n/keys';
import { startSetupKeySchema } from '@/lib/validation/forms';
import { finishKeySchema } from '@/lib/validation/webauthn';

/** The setup sign-in in progress (password checked, no second factor yet), or back to /login. */
async function openSetup() {
  const challenge = await currentChallenge('setup');
  if (!challenge) redirect('/login?notice=expired');
  if (challenge.secondFactorAt !== null) redirect('/login/setup-2fa');
  return { token: challenge.token, user: (await findUserById(challenge.userId))! };
}

/** A registration challenge bound to this sign-in: its password step is the step-up. */
export const startSetupKeyAction = publicAction(startSetupKeySchema, async ({ name }): Promise<ActionState> => {
  const { token, user } = await openSetup();
  const options = await registrationOptions(user, { challengeToken: token });
  return { webauthnOptions: JSON.stringify(options), values: { name } };
});

export const finishSetupKeyAction = publicAction(finishKeySchema, async ({ name, response }, { ip }): Promise<ActionState> => {
  const { token, user } = await openSetup();
  const binding = { challengeToken: token };
  const result = await verifyRegistration(user, binding, response, name, ip, (tx) => mayStillRegister(tx, user.id, binding));
  if (!result.ok) {
    if (result.reason === 'not_allowed') redirect('/login?notice=expired');
    return { error: KEY_REFUSED[result.reason] };
  }
  if (result.challengeToken) await setChallengeCookie(result.challengeToken, 'setup');
  return { codes: result.codes ?? [], ok: message('Setup.keyAdded', { name }) };
});
