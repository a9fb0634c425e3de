'use server';

import { redirect } from 'next/navigation';
import { writeTransaction } from '@/db';
import { userAction, type ActionState } from '@/lib/action';
import { signOut } from '@/lib/auth/auth';
import { endOwnSession, endSessions } from '@/lib/auth/devices';
import { tokenDigest } from '@/lib/auth/tokens';
import { currentTrustToken } from '@/lib/auth/trust-cookie';
import { endOtherSessionsSchema, endSessionSchema } from '@/lib/validation/forms';

// Ending one's own sessions asks for no step-up (as on GitHub and GitLab): it can only protect the account.

/** "Sign out" on a row of another session: only a session of the caller can match. (The current one's row signs out like the header.) */
export const endSessionAction = userAction(endSessionSchema, async ({ session }, { current, ip }): Promise<ActionState> => {
  const ended = await endOwnSession(current.user.id, session, { orgId: current.org.id, currentSessionId: current.sessionId, ip });
  if (!ended) return { error: 'Devices.sessionGone' };
  // The row's button for this browser is the header's sign-out; a post of its key lands here: the same end.
  if (ended.current) await signOut({ redirectTo: '/login' });
  redirect('/profile/sessions?notice=ended');
});

/** "Sign out everywhere else": every session of the caller but this one. */
export const endOtherSessionsAction = userAction(endOtherSessionsSchema, async (_input, { current, ip }): Promise<ActionState> => {
  const actor = { kind: 'user' as const, userId: current.user.id, sessionId: current.sessionId };
  const token = await currentTrustToken();
  const keepTrusted = token ? tokenDigest(token) : null;
  const count = await writeTransaction((tx) => endSessions(tx, current.user.id, { except: current.sessionId, keepTrusted, actor, orgId: current.org.id, ip }));
  redirect(`/profile/sessions?notice=${count === 0 ? 'no-others' : 'others-ended'}`);
});
