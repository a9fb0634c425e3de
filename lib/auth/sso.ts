import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import { db, lockUser, writeTransaction } from '@/db';
import { users } from '@/db/schema';
import { audit } from '@/lib/audit';
import { log } from '@/lib/log';
import type { RequestDevice } from '@/lib/request';
import { createSession } from './session';

export type SsoRefusal = 'unverified' | 'unknown' | 'password_user' | 'linked_elsewhere' | 'deactivated';
export type SsoOutcome = { ok: true; userId: number } | { ok: false; reason: SsoRefusal };

export interface IdentityClaims {
  issuer: string;
  subject: string;
  email?: unknown;
  emailVerified?: unknown;
}

/**
 * Finds the SSO user for an identity. A bound user is found by issuer + subject only; the first
 * sign-in links a pre-created SSO user of the same email, and only when the IdP says the email is
 * verified. Password users, unknown or unverified emails, and accounts bound to another identity
 * are refused: there is no silent linking.
 */
export async function bindSsoIdentity(claims: IdentityClaims): Promise<SsoOutcome> {
  return writeTransaction(async (tx): Promise<SsoOutcome> => {
    const [bound] = await tx
      .select({ id: users.id, method: users.signInMethod, deactivatedAt: users.deactivatedAt })
      .from(users)
      .where(and(eq(users.oidcIssuer, claims.issuer), eq(users.oidcSubject, claims.subject)));
    if (bound) return bound.method !== 'sso' ? { ok: false, reason: 'password_user' } : bound.deactivatedAt !== null ? { ok: false, reason: 'deactivated' } : { ok: true, userId: bound.id };
    if (claims.emailVerified !== true || typeof claims.email !== 'string') return { ok: false, reason: 'unverified' };
    const email = claims.email.trim().toLowerCase();
    const [user] = await tx.select({ id: users.id, orgId: users.orgId, method: users.signInMethod, subject: users.oidcSubject, deactivatedAt: users.deactivatedAt }).from(users).where(eq(users.email, email));
    if (!user) return { ok: false, reason: 'unknown' };
    if (user.method !== 'sso') return { ok: false, reason: 'password_user' };
    if (user.deactivatedAt !== null) return { ok: false, reason: 'deactivated' };
    if (user.subject !== null) return { ok: false, reason: 'linked_elsewhere' };
    // Only while still unbound: two first sign-ins with different identities cannot both bind it.
    const linked = await tx
      .update(users)
      .set({ oidcIssuer: claims.issuer, oidcSubject: claims.subject })
      .where(and(eq(users.id, user.id), isNull(users.oidcSubject)))
      .returning({ id: users.id });
    if (linked.length !== 1) return { ok: false, reason: 'linked_elsewhere' };
    await audit(tx, { orgId: user.orgId, actor: { kind: 'user', userId: user.id }, targetUserId: user.id, action: 'sso.linked', detail: { issuer: claims.issuer } });
    return { ok: true, userId: user.id };
  });
}

/** Starts an SSO session for a bound user: no Deskgate second factor, under any policy. */
export async function startSsoSession(issuer: string, subject: string, device: RequestDevice): Promise<string | null> {
  const ip = device.clientAddress;
  const [user] = await (await db())
    .select({ id: users.id, orgId: users.orgId })
    .from(users)
    .where(and(eq(users.oidcIssuer, issuer), eq(users.oidcSubject, subject), eq(users.signInMethod, 'sso'), isNull(users.deactivatedAt)));
  if (!user) return null;
  return writeTransaction(async (tx) => {
    // Under the user's lock, as a deactivation takes it: one deactivated meanwhile gets no session.
    await lockUser(tx, user.id);
    const [still] = await tx.select({ id: users.id }).from(users).where(and(eq(users.id, user.id), isNull(users.deactivatedAt)));
    if (!still) return null;
    const sessionId = await createSession(tx, user.id, 'sso', null, { device });
    await audit(tx, { orgId: user.orgId, actor: { kind: 'user', userId: user.id }, targetUserId: user.id, action: 'sign_in', detail: { method: 'sso' }, ip });
    return sessionId;
  });
}

export function logSsoRefusal(reason: SsoRefusal, issuer: string) {
  log('sign_in.sso_refused', { reason, issuer });
}
