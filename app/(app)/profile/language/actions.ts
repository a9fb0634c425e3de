'use server';

import { redirect } from 'next/navigation';
import { userAction, type ActionState } from '@/lib/action';
import { setUserLocale } from '@/lib/accounts/users';
import { setLocaleSchema } from '@/lib/validation/forms';

/**
 * The profile's language setting. On to the page again (with JavaScript or without), so that the
 * whole page, its title and <html lang> come back in the language just chosen.
 */
export const setLocaleAction = userAction(setLocaleSchema, async ({ locale }, { current, ip }): Promise<ActionState> => {
  if (!(await setUserLocale(current.user.id, locale, { orgId: current.org.id, ip, sessionId: current.sessionId }))) return { error: 'Action.signedOut' };
  redirect('/profile/language?saved=1');
});
