import 'server-only';
import { AuthError } from 'next-auth';
import type { ActionState } from '@/lib/action';
import { signIn } from './auth';

/** Hands a `ready` challenge to Auth.js, which turns it into a session and redirects (by throwing). */
export async function finishSignIn(challengeToken: string, redirectTo: string): Promise<ActionState> {
  try {
    await signIn('credentials', { challenge: challengeToken, redirectTo });
  } catch (error) {
    if (error instanceof AuthError) return { error: 'Auth.signInIncomplete' };
    throw error;
  }
  return {};
}
