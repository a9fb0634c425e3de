'use server';

import { signOut } from '@/lib/auth/auth';
import { currentSession } from '@/lib/auth/current';
import { endSession } from '@/lib/auth/sign-out';
import { clientAddress, markActionEntered } from '@/lib/request';

export async function signOutAction(): Promise<void> {
  markActionEntered();
  const current = await currentSession();
  if (current) await endSession(current.sessionId, await clientAddress());
  await signOut({ redirectTo: '/login' });
}
