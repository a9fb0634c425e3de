'use server';

import { revalidatePath } from 'next/cache';
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
  // Every layout too (the header, <html lang>), not only this page: a client-side navigation keeps layouts otherwise.
  revalidatePath('/', 'layout');
  redirect('/profile/language?saved=1');
});
