import 'server-only';
import { cookies } from 'next/headers';
import { isHttps } from '@/lib/request';
import { newToken } from './tokens';
import { WEBAUTHN_CHALLENGE_MS } from './webauthn-challenges';

const COOKIE = 'deskgate-passkey';

async function cookieName(): Promise<string> {
  return (await isHttps()) ? `__Host-${COOKIE}` : COOKIE;
}

/**
 * Passkey sign-in knows nobody before the key answers: its challenge is bound to a random nonce that
 * only this browser holds (HttpOnly), so an assertion captured elsewhere answers for no one here.
 */
export async function newPasskeyNonce(): Promise<string> {
  const nonce = newToken();
  (await cookies()).set(await cookieName(), nonce, {
    httpOnly: true,
    sameSite: 'lax',
    secure: await isHttps(),
    path: '/',
    maxAge: Math.ceil(WEBAUTHN_CHALLENGE_MS / 1000),
  });
  return nonce;
}

/** The nonce of this browser's passkey sign-in, used up: it answers once. */
export async function takePasskeyNonce(): Promise<string | null> {
  const jar = await cookies();
  const name = await cookieName();
  const nonce = jar.get(name)?.value ?? null;
  if (nonce) jar.delete(name);
  return nonce;
}
