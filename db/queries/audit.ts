import 'server-only';
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { alias } from '@/db/dialect';
import { db } from '@/db';
import { auditEvents, users } from '@/db/schema';

const actor = alias(users, 'actor');
const target = alias(users, 'target');

/** An organization's audit events, newest first, keyset-paged by id. */
export async function auditPage(orgId: number, options: { action?: string; userEmail?: string; before?: number; limit: number }) {
  const where: SQL[] = [eq(auditEvents.orgId, orgId)];
  if (options.action) where.push(eq(auditEvents.action, options.action));
  if (options.userEmail) where.push(eq(target.email, options.userEmail));
  if (options.before) where.push(lt(auditEvents.id, options.before));
  const rows = await (await db())
    .select({
      id: auditEvents.id,
      action: auditEvents.action,
      actorKind: auditEvents.actorKind,
      actorEmail: actor.email,
      targetEmail: target.email,
      detail: auditEvents.detail,
      ip: auditEvents.ip,
      createdAt: auditEvents.createdAt,
    })
    .from(auditEvents)
    .leftJoin(actor, eq(actor.id, auditEvents.actorUserId))
    .leftJoin(target, eq(target.id, auditEvents.targetUserId))
    .where(and(...where))
    .orderBy(desc(auditEvents.id))
    .limit(options.limit + 1);
  return { rows: rows.slice(0, options.limit), hasMore: rows.length > options.limit };
}
