import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import { db, lockUser, writeTransaction } from '@/db';
import { users, webauthnCredentials } from '@/db/schema';
import { audit, type Actor } from '@/lib/audit';
import { keyNameField } from '@/lib/validation/webauthn';
import { keyCountChanged } from './key-changes';

/** A key as the user's list shows it; `credentialId` (base64url) names it in forms. */
export interface KeySummary {
  credentialId: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  /** Verified its user when added: it may also sign in on its own (passkey sign-in). */
  passkey: boolean;
}

/** Who changes a key, and from where (the key's owner is always the user whose id is given). */
export interface KeyChangeContext {
  actor: Actor;
  ip?: string | null;
  /** The session that made the change: it stays while the user's others end. */
  sessionId?: string;
}

export async function listKeys(userId: number): Promise<KeySummary[]> {
  return (await db())
    .select({
      credentialId: webauthnCredentials.credentialId,
      name: webauthnCredentials.name,
      createdAt: webauthnCredentials.createdAt,
      lastUsedAt: webauthnCredentials.lastUsedAt,
      deviceType: webauthnCredentials.deviceType,
      backedUp: webauthnCredentials.backedUp,
      passkey: webauthnCredentials.uvInitialized,
    })
    .from(webauthnCredentials)
    .where(eq(webauthnCredentials.userId, userId))
    .orderBy(asc(webauthnCredentials.createdAt), asc(webauthnCredentials.id));
}

const ofUser = (userId: number, credentialId: string) => and(eq(webauthnCredentials.userId, userId), eq(webauthnCredentials.credentialId, credentialId));

async function orgOf(userId: number): Promise<number | null> {
  const [row] = await (await db()).select({ orgId: users.orgId }).from(users).where(eq(users.id, userId));
  return row?.orgId ?? null;
}

export type RenameResult = { ok: true } | { ok: false; reason: 'invalid_name'; message: string } | { ok: false; reason: 'not_found' };

/** Renames one of the user's keys; another user's key id changes nothing. */
export async function renameKey(userId: number, credentialId: string, name: unknown, ctx: KeyChangeContext): Promise<RenameResult> {
  const parsed = keyNameField.safeParse(name);
  if (!parsed.success) return { ok: false, reason: 'invalid_name', message: parsed.error.issues[0]!.message };
  return writeTransaction(async (tx) => {
    const [renamed] = await tx.update(webauthnCredentials).set({ name: parsed.data }).where(ofUser(userId, credentialId)).returning({ id: webauthnCredentials.id });
    if (!renamed) return { ok: false, reason: 'not_found' };
    await audit(tx, { orgId: await orgOf(userId), actor: ctx.actor, targetUserId: userId, action: 'webauthn.key_renamed', detail: { credentialId, name: parsed.data }, ip: ctx.ip });
    return { ok: true };
  });
}

/**
 * Removes one of the user's keys; another user's key id changes nothing. Whether the user may
 * (the last second factor while 2FA is required, step-up) is the caller's rule: call this inside
 * its transaction, after its re-checks, and it becomes part of it.
 */
export async function removeKey(userId: number, credentialId: string, ctx: KeyChangeContext): Promise<boolean> {
  return writeTransaction(async (tx) => {
    await lockUser(tx, userId);
    const [removed] = await tx.delete(webauthnCredentials).where(ofUser(userId, credentialId)).returning({ name: webauthnCredentials.name });
    if (!removed) return false;
    await keyCountChanged(tx, userId, -1, { sessionId: ctx.sessionId });
    // Audited once the key is uncounted: its notification tells the last second factor from another.
    await audit(tx, { orgId: await orgOf(userId), actor: ctx.actor, targetUserId: userId, action: 'webauthn.key_removed', detail: { credentialId, name: removed.name }, ip: ctx.ip });
    return true;
  });
}
