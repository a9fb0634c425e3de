'use server';

import { redirect } from 'next/navigation';
import { publicAction } from '@/lib/action';
import { RESET_PATH, resetPasswordWithLink } from '@/lib/accounts/password-reset';
import { clearLinkToken, readLinkToken } from '@/lib/auth/link-cookie';
import { resetPasswordSchema } from '@/lib/validation/forms';

/**
 * Sets the new password with the link's token (from its cookie, never the form). Signs nobody in:
 * the next sign-in asks for the password and the second factor as usual. A dead link sends the
 * browser back to the page, which says so.
 */
export const resetPasswordAction = publicAction(resetPasswordSchema, async ({ newPassword }, { ip }) => {
  const token = await readLinkToken(RESET_PATH);
  const done = token !== null && (await resetPasswordWithLink(token, newPassword, ip));
  await clearLinkToken(RESET_PATH);
  redirect(done ? '/login?notice=password-reset' : RESET_PATH);
});
