import { eq } from 'drizzle-orm';
import { expect, type Page } from '@playwright/test';
import { db, writeTransaction } from '@/db';
import { sessions, webauthnCredentials } from '@/db/schema';
import { baseURL } from './env';
import { submit } from './submit';

/** Where the app under test is, as a browser's WebAuthn call reports it (origin) and scopes keys (RP ID). */
export const appPlace = () => ({ origin: new URL(baseURL).origin, rpId: new URL(baseURL).hostname });

/** The user's stored keys (credential id, name, counter). */
export async function storedKeys(userId: number) {
  return (await db()).select({ credentialId: webauthnCredentials.credentialId, name: webauthnCredentials.name }).from(webauthnCredentials).where(eq(webauthnCredentials.userId, userId));
}

/** Makes every session of the user old for step-up: the next sensitive change asks for a second factor again. */
export async function ageSecondFactor(userId: number): Promise<void> {
  await writeTransaction((tx) => tx.update(sessions).set({ secondFactorAt: 1 }).where(eq(sessions.userId, userId)));
}

/** On the 2FA tab: "Add a security key or passkey", a name, the password, Continue; the browser's authenticator answers. */
export async function addKeyOnTab(page: Page, name: string, password: string): Promise<void> {
  await page.getByRole('link', { name: 'Add a security key or passkey' }).click();
  await expect(page.getByRole('heading', { name: 'Add a security key or passkey' })).toBeVisible();
  await page.getByLabel('Name of the key').fill(name);
  await page.getByLabel('Password').fill(password);
  await submit(page, page.getByRole('button', { name: 'Continue' }));
}
