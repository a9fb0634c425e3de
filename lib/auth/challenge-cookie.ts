import 'server-only';
import { cookies } from 'next/headers';
import type { ChallengePurpose, LoginChallenge } from '@/db/schema';
import { isHttps } from '@/lib/request';
import { challengeLifetime, findChallenge } from './challenge';

const COOKIE = 'deskgate-challenge';

async function cookieName(): Promise<string> {
  return (await isHttps()) ? `__Host-${COOKIE}` : COOKIE;
}

/** Puts a challenge in the HttpOnly cookie that only its own step reads. */
export async function setChallengeCookie(token: string, purpose: ChallengePurpose): Promise<void> {
  (await cookies()).set(await cookieName(), token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: await isHttps(),
    path: '/',
    maxAge: Math.ceil(challengeLifetime(purpose) / 1000),
  });
}

export async function clearChallengeCookie(): Promise<void> {
  (await cookies()).delete(await cookieName());
}

/** The caller's pending challenge of the given purpose, or null when missing, expired or of another kind. */
export async function currentChallenge(purpose: ChallengePurpose): Promise<(LoginChallenge & { token: string }) | null> {
  const token = (await cookies()).get(await cookieName())?.value;
  if (!token) return null;
  const row = await findChallenge(token);
  return row && row.purpose === purpose ? { ...row, token } : null;
}
