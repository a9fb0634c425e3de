'use server';

import { adminAction, type ActionState } from '@/lib/action';
import { requestTranslator } from '@/lib/i18n/server';
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
  if ('needsStepUp' in result) return { error: 'AdminActions.trustRaced', fieldErrors: { password: [CONFIRM] }, values };
  if (!result.changed) return { ok: 'AdminActions.nothingChanged', values };
  // Two sentences composed: translated here, for this request's locale.
  const t = await requestTranslator();
  const ended = result.ended ? t('AdminActions.trustEnded', { n: result.ended, count: String(result.ended) }) : '';
  const saved = next.allowed ? t('AdminActions.trustOn', { days: next.days }) : t('AdminActions.trustOff');
  return { ok: `${saved}${ended}`, values };
});
