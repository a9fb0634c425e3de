import 'server-only';
import { eq } from 'drizzle-orm';
import { db, lockOrganization, writeTransaction } from '@/db';
import { organizations } from '@/db/schema';
import { audit, type Actor } from '@/lib/audit';
import { adminStillActing } from '@/lib/auth/session';

export async function passkeySignInAllowed(orgId: number): Promise<boolean> {
  const [org] = await (await db()).select({ on: organizations.passkeySignIn }).from(organizations).where(eq(organizations.id, orgId));
  return org?.on ?? false;
}

/**
 * Turns the organization's passkey sign-in on or off, audited. Sessions that began with a passkey
 * stay (their user proved both factors); from now on such sign-ins are refused. The acting admin is
 * re-checked inside the transaction, as for every admin change.
 */
export async function setPasskeySignIn(orgId: number, on: boolean, actor: Actor, ip: string | null = null): Promise<{ changed: boolean } | { refused: true }> {
  return writeTransaction(async (tx) => {
    await lockOrganization(tx, orgId);
    if (!(await adminStillActing(tx, actor, orgId))) return { refused: true };
    const [org] = await tx.select({ on: organizations.passkeySignIn }).from(organizations).where(eq(organizations.id, orgId));
    if (!org || org.on === on) return { changed: false };
    await tx.update(organizations).set({ passkeySignIn: on }).where(eq(organizations.id, orgId));
    await audit(tx, { orgId, actor, action: 'org.passkey_sign_in_changed', detail: { from: org.on, to: on }, ip });
    return { changed: true };
  });
}
