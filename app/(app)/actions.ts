'use server';

import { db } from '@/db';
import { audit } from '@/lib/audit';
import { signOut } from '@/lib/auth/auth';
import { currentSession } from '@/lib/auth/current';
import { revokeSession } from '@/lib/auth/session';
import { clientAddress, markActionEntered } from '@/lib/request';

export async function signOutAction(): Promise<void> {
  markActionEntered();
  const current = await currentSession();
  if (current) {
    revokeSession(current.sessionId);
    audit(db(), { orgId: current.org.id, actor: { kind: 'user', userId: current.user.id }, targetUserId: current.user.id, action: 'sign_out', ip: await clientAddress() });
  }
  await signOut({ redirectTo: '/login' });
}
