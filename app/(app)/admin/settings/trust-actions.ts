'use server';

import { adminAction, type ActionState } from '@/lib/action';
import { setTrustSetting, trustSetting, widensTrust } from '@/lib/auth/trusted-browsers';
import { setTrustedBrowsersSchema } from '@/lib/validation/forms';
import { actorOf, adminStepUp, CONFIRM, NO_LONGER } from '../step-up';

/** "Trust this browser" for the organization (#17): allowed or not, and for how many days. */
export const setTrustedBrowsersAction = adminAction(setTrustedBrowsersSchema, async (input, { current, ip }): Promise<ActionState> => {
  const next = { allowed: input.trustedBrowsers === 'on', days: input.trustedBrowserDays };
  const values = { trustedBrowsers: next.allowed ? 'on' : 'off', trustedBrowserDays: String(next.days) };
  // Widening trust lets people skip the second factor: confirm it's the admin (as for lowering the policy).
  const widening = widensTrust(await trustSetting(current.org.id), next);
  if (widening) {
    const denied = await adminStepUp(current, input, ip);
    if (denied) return { ...denied, values };
  }
  const result = await setTrustSetting(current.org.id, next, actorOf(current), ip, Date.now(), widening);
  if ('refused' in result) return { error: NO_LONGER, values };
  if ('needsStepUp' in result) return { error: 'Another administrator just changed this setting. To allow more, confirm it’s you.', fieldErrors: { password: [CONFIRM] }, values };
  if (!result.changed) return { ok: 'Nothing changed.', values };
  const ended = result.ended ? ` ${result.ended} trusted browser${result.ended === 1 ? '' : 's'} will be asked for the second step again.` : '';
  const saved = next.allowed ? `Saved. People may trust a browser for ${next.days} day${next.days === 1 ? '' : 's'}.` : 'Saved. Browsers can no longer be trusted; everyone is asked for the second step.';
  return { ok: `${saved}${ended}`, values };
});
