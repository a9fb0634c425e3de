import 'server-only';
import { type Executor, writeTransaction } from '@/db';
import { auditEvents } from '@/db/schema';
import { notifySecurityEvent } from '@/lib/mail/notifications';
import type { AuditAction } from './audit-events';
import { log } from './log';

/**
 * Who made a change. A user acting through a session names it, so that an admin change can re-check,
 * inside its transaction, that the session is still live and still an admin's (never written anywhere).
 */
export type Actor = { kind: 'user'; userId: number; sessionId?: string } | { kind: 'operator' } | { kind: 'system' };

export interface AuditEntry {
  orgId: number | null;
  actor: Actor;
  /** A registered event type (lib/audit-events.ts): each has the sentence the audit log shows. */
  action: AuditAction;
  targetUserId?: number | null;
  detail?: Record<string, unknown>;
  ip?: string | null;
}

/**
 * Records an audit event in the caller's transaction and logs it as a security event; an event that
 * changes how the user's account is protected also writes their notification mail into the outbox,
 * in the same transaction (lib/mail/notifications.ts).
 */
export async function audit(tx: Executor, entry: AuditEntry): Promise<void> {
  const now = Date.now();
  await tx.insert(auditEvents)
    .values({
      orgId: entry.orgId,
      actorKind: entry.actor.kind,
      actorUserId: entry.actor.kind === 'user' ? entry.actor.userId : null,
      targetUserId: entry.targetUserId ?? null,
      action: entry.action,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
      ip: entry.ip ?? null,
      createdAt: now,
    });
  await notifySecurityEvent(tx, entry, now);
  log(entry.action, {
    org: entry.orgId,
    actor: entry.actor.kind === 'user' ? entry.actor.userId : entry.actor.kind,
    target: entry.targetUserId ?? undefined,
    ip: entry.ip ?? undefined,
    ...entry.detail,
  });
}

/** Records an audit event in a transaction of its own (a failure that changes nothing else). */
export async function auditAlone(entry: AuditEntry): Promise<void> {
  await writeTransaction((tx) => audit(tx, entry));
}
