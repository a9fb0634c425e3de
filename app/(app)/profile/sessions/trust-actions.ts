'use server';

import { redirect } from 'next/navigation';
import { userAction, type ActionState } from '@/lib/action';
import { removeTrustedBrowser } from '@/lib/auth/trusted-browsers';
import { removeTrustedBrowserSchema } from '@/lib/validation/forms';

/** "Remove" beside a trusted browser (#17): only one of the caller's own; that browser is asked for the second step again. */
export const removeTrustedBrowserAction = userAction(removeTrustedBrowserSchema, async ({ id }, { current, ip }): Promise<ActionState> => {
  if (!(await removeTrustedBrowser(current.user.id, current.org.id, id, ip))) return { error: 'Devices.trusted.gone' };
  redirect('/profile/sessions?notice=trust-removed');
});
