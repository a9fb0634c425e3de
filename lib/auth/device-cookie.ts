import 'server-only';
import { eq } from 'drizzle-orm';
import { cookies } from 'next/headers';
import { db } from '@/db';
import { users } from '@/db/schema';
import { isHttps } from '@/lib/request';
import { readDeviceToken, signDeviceToken, type DeviceToken } from './device-token';

const COOKIE = 'deskgate-device';
// Long-lived on purpose: the point is to recognise the owner's browser months later, after sign-outs.
const MAX_AGE_SECONDS = 365 * 24 * 3600;

async function cookieName(): Promise<string> {
  return (await isHttps()) ? `__Host-${COOKIE}` : COOKIE;
}

/** The device cookie this request's browser carries (its signature is checked against the user), or null. */
export async function currentDevice(): Promise<DeviceToken | null> {
  return readDeviceToken((await cookies()).get(await cookieName())?.value);
}

/** After the password step passed: this browser is now a known device of the user, with a fresh nonce. */
export async function rememberDevice(userId: number): Promise<void> {
  const [row] = await (await db()).select({ hash: users.passwordHash }).from(users).where(eq(users.id, userId));
  const passwordHash = row?.hash;
  if (!passwordHash) return;
  (await cookies()).set(await cookieName(), signDeviceToken(userId, passwordHash), {
    httpOnly: true,
    sameSite: 'lax',
    secure: await isHttps(),
    path: '/',
    maxAge: MAX_AGE_SECONDS,
  });
}
