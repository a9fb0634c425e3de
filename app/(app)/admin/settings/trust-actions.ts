'use server';

import { adminAction, type ActionState } from '@/lib/action';
import { setTrustSetting } from '@/lib/auth/trusted-browsers';
import { setTrustedBrowsersSchema } from '@/lib/validation/forms';
import { actorOf, NO_LONGER } from '../step-up';

/** "Trust this browser" for the organization (#17): allowed or not, and for how many days. */
export const setTrustedBrowsersAction = adminAction(setTrustedBrowsersSchema, async (input, { current, ip }): Promise<ActionState> => {
  const next = { allowed: input.trustedBrowsers === 'on', days: input.trustedBrowserDays };
  const values = { trustedBrowsers: next.allowed ? 'on' : 'off', trustedBrowserDays: String(next.days) };
  const result = await setTrustSetting(current.org.id, next, actorOf(current), ip);
  if ('refused' in result) return { error: NO_LONGER, values };
  if (!result.changed) return { ok: 'Nothing changed.', values };
  const ended = result.ended ? ` ${result.ended} trusted browser${result.ended === 1 ? '' : 's'} will be asked for the second step again.` : '';
  const saved = next.allowed ? `Saved. People may trust a browser for ${next.days} day${next.days === 1 ? '' : 's'}.` : 'Saved. Browsers can no longer be trusted; everyone is asked for the second step.';
  return { ok: `${saved}${ended}`, values };
});
