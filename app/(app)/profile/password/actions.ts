'use server';

import { userAction, type ActionState } from '@/lib/action';
import { changePassword } from '@/lib/accounts/users';
import { checkPassword, sessionDevice } from '@/lib/auth/credentials';
import { PASSWORD_LOCKED, WRONG_PASSWORD } from '@/lib/auth/messages';
import { changePasswordSchema } from '@/lib/validation/forms';

export const changePasswordAction = userAction(changePasswordSchema, async ({ currentPassword, newPassword }, { current, ip }): Promise<ActionState> => {
  if (current.user.signInMethod !== 'password') return { error: 'Password.sso' };
  const check = await checkPassword(current.user.email, currentPassword, ip, sessionDevice(current));
  if (!check.ok) return check.locked ? { error: PASSWORD_LOCKED } : { error: WRONG_PASSWORD, fieldErrors: { currentPassword: [WRONG_PASSWORD] } };
  if (!(await changePassword(current.user.id, newPassword, { orgId: current.org.id, ip, sessionId: current.sessionId }))) {
    return { error: 'Password.sessionEnded' };
  }
  return { ok: 'Password.changed' };
});
