'use server';

import { publicAction, type ActionState } from '@/lib/action';
import { PASSKEY_REFUSED } from '@/lib/auth/messages';
import { newPasskeyNonce, takePasskeyNonce } from '@/lib/auth/passkey-cookie';
import { signInWithPasskey } from '@/lib/auth/passkey-sign-in';
import { finishSignIn } from '@/lib/auth/sign-in';
import { authenticationOptions } from '@/lib/auth/webauthn';
import { safeCallbackUrl } from '@/lib/validation/fields';
import { keyOptionsSchema, passkeySignInSchema } from '@/lib/validation/forms';

/** Options for any passkey of this site (discoverable, user verification required), bound to a new nonce in this browser's cookie. */
export const passkeyOptionsAction = publicAction(keyOptionsSchema, async (): Promise<ActionState> => {
  const options = await authenticationOptions({ browserNonce: await newPasskeyNonce() }, null);
  return { values: { options: JSON.stringify(options) } };
});

/** "Sign in with a passkey": password and second factor at once; every refusal reads the same. */
export const passkeySignInAction = publicAction(passkeySignInSchema, async ({ response, callbackUrl }, { ip }): Promise<ActionState> => {
  const nonce = await takePasskeyNonce();
  if (!nonce) return { error: PASSKEY_REFUSED };
  const target = safeCallbackUrl(callbackUrl);
  const result = await signInWithPasskey(nonce, response, target, ip);
  if (!result.ok) return { error: PASSKEY_REFUSED };
  return finishSignIn(result.token, target);
});
