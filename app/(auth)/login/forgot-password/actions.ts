'use server';

import { setTimeout as sleep } from 'node:timers/promises';
import { after } from 'next/server';
import { describeDatabaseError } from '@/db/errors';
import { publicAction } from '@/lib/action';
import { countResetRequest, RESET_REQUESTED, sendResetLink } from '@/lib/accounts/password-reset';
import { log } from '@/lib/log';
import { forgotPasswordSchema } from '@/lib/validation/forms';

/**
 * One answer whatever the address: every request counts one throttle hit (the same committed write),
 * and the lookup, the link and its mail happen after the answer is sent, so neither the page nor its
 * timing tells a known address from an unknown, SSO or deactivated one, or a request over a limit.
 */
export const requestPasswordResetAction = publicAction(forgotPasswordSchema, async ({ email }, { ip }) => {
  if (await countResetRequest(email, ip)) {
    // On SQLite the work is synchronous: a moment later, so that it never shares the event loop with this answer's last bytes.
    after(() => sleep(50).then(() => sendResetLink(email, ip, { kind: 'system' }, { capped: true })).then((outcome) => log('password_reset.requested', { outcome, ip }), (error: unknown) => log('password_reset.failed', { ip, ...describeDatabaseError(error) })));
  }
  return { ok: RESET_REQUESTED };
});
