import 'server-only';
import { and, asc, desc, eq, gte, gt, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { alias, bytewise, caseless } from '@/db/dialect';
import { db, type Reader } from '@/db';
import { auditEvents, users } from '@/db/schema';

const actor = alias(users, 'actor');
const target = alias(users, 'target');

/** How many users a user filter may match: a prefix that matches more asks for more letters. */
export const USER_MATCH_CAP = 100;

export interface AuditQuery {
  orgId: number;
  action?: string;
  /** Events whose actor or target is one of these users (resolved from the filter by `matchUsers`). */
  userIds?: number[];
  /** Milliseconds, inclusive. */
  from?: number;
  /** Milliseconds, exclusive. */
  to?: number;
  /** Keyset cursor: the id next to the wanted page; `newer` pages towards the newest events. */
  cursor?: { id: number; newer: boolean };
  limit: number;
}

/**
 * The users of an organization whose name or email starts with `prefix` (case-insensitive), as the
 * users table searches: two prefix ranges, each on its own index. Null when more than the cap match.
 */
export async function matchUsers(orgId: number, prefix: string, reader?: Reader): Promise<number[] | null> {
  const q = prefix.toLowerCase();
  const end = q + '\uffff';
  const r = reader ?? (await db());
  const range = (column: SQL) => and(eq(users.orgId, orgId), sql`${column} >= ${q}`, sql`${column} < ${end}`);
  const [byName, byEmail] = await Promise.all([
    r.select({ id: users.id }).from(users).where(range(caseless(users.name))).limit(USER_MATCH_CAP + 1),
    r.select({ id: users.id }).from(users).where(range(bytewise(users.email))).limit(USER_MATCH_CAP + 1),
  ]);
  const ids = [...new Set([...byName, ...byEmail].map((u) => u.id))];
  return ids.length > USER_MATCH_CAP ? null : ids;
}

/** The query for one page of events (one row more than a page, to know whether more follow). */
export function auditPageQuery(reader: Reader, query: AuditQuery) {
  const where: (SQL | undefined)[] = [eq(auditEvents.orgId, query.orgId)];
  if (query.action) where.push(eq(auditEvents.action, query.action));
  if (query.userIds) where.push(or(inArray(auditEvents.targetUserId, query.userIds), inArray(auditEvents.actorUserId, query.userIds)));
  if (query.from !== undefined) where.push(gte(auditEvents.createdAt, query.from));
  if (query.to !== undefined) where.push(lt(auditEvents.createdAt, query.to));
  const newer = query.cursor?.newer === true;
  if (query.cursor) where.push(newer ? gt(auditEvents.id, query.cursor.id) : lt(auditEvents.id, query.cursor.id));
  return reader
    .select({
      id: auditEvents.id,
      action: auditEvents.action,
      actorKind: auditEvents.actorKind,
      actorUserId: auditEvents.actorUserId,
      actorName: actor.name,
      actorEmail: actor.email,
      targetUserId: auditEvents.targetUserId,
      targetName: target.name,
      targetEmail: target.email,
      detail: auditEvents.detail,
      ip: auditEvents.ip,
      createdAt: auditEvents.createdAt,
    })
    .from(auditEvents)
    .leftJoin(actor, eq(actor.id, auditEvents.actorUserId))
    .leftJoin(target, eq(target.id, auditEvents.targetUserId))
    .where(and(...where))
    // Newer pages are read upwards from the cursor, then turned around: the page is always newest first.
    .orderBy(newer ? asc(auditEvents.id) : desc(auditEvents.id))
    .limit(query.limit + 1);
}

export type AuditRow = Awaited<ReturnType<typeof auditPageQuery>>[number];

/** An organization's audit events, newest first, keyset-paged by id. */
export async function auditPage(query: AuditQuery, reader?: Reader) {
  if (query.userIds?.length === 0) return { rows: [], hasOlder: false, hasNewer: false };
  const found = await auditPageQuery(reader ?? (await db()), query);
  const more = found.length > query.limit;
  const page = found.slice(0, query.limit);
  if (query.cursor?.newer) return { rows: page.reverse(), hasOlder: true, hasNewer: more };
  return { rows: page, hasOlder: more, hasNewer: query.cursor !== undefined };
}
