import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import { writeTransaction } from '@/db';
import { sessions, users } from '@/db/schema';
import { audit } from '@/lib/audit';
import { tokenDigest } from './tokens';

/**
 * Ends a session row and audits it, once: both the app's sign-out button and Auth.js's own
 * `POST /api/auth/signout` come here, so a copy of the cookie dies whichever was used.
 */
export async function endSession(sessionId: string, ip: string): Promise<void> {
  const digest = tokenDigest(sessionId);
  await writeTransaction(async (tx) => {
    const [ended] = await tx
      .update(sessions)
      .set({ revokedAt: Date.now() })
      .where(and(eq(sessions.id, digest), isNull(sessions.revokedAt)))
      .returning({ userId: sessions.userId });
    if (!ended) return;
    const [user] = await tx.select({ orgId: users.orgId }).from(users).where(eq(users.id, ended.userId));
    await audit(tx, { orgId: user?.orgId ?? null, actor: { kind: 'user', userId: ended.userId }, targetUserId: ended.userId, action: 'sign_out', ip });
  });
}
