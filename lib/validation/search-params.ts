// Reading pages' query strings: anything unreadable counts as absent, so a hand-edited URL never fails a page.
import { z } from 'zod';
import { ACCOUNT_STATUSES, SORTS, TWO_FACTOR_STATES } from '@/db/queries/admin-users';
import { type AuditAction, isAuditAction } from '@/lib/audit-events';

export type SearchParams = Record<string, string | string[] | undefined>;

/** One value per name: the first of a repeated parameter. */
export function firstValues(raw: SearchParams): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
}

/**
 * The message a page shows for a code in its URL (`?notice=expired`): only the table's own
 * entries, so that `?notice=__proto__` or `?notice=constructor` finds nothing.
 */
export function messageFor(table: Record<string, string>, code: unknown): string | undefined {
  return typeof code === 'string' && Object.hasOwn(table, code) ? table[code] : undefined;
}

/** The query of the admin users table. */
export const usersPageParams = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  state: z.enum(TWO_FACTOR_STATES).optional().catch(undefined),
  method: z.enum(['password', 'sso']).optional().catch(undefined),
  status: z.enum(ACCOUNT_STATUSES).optional().catch(undefined),
  sort: z.enum(SORTS).catch('name').default('name'),
  dir: z.enum(['asc', 'desc']).catch('asc').default('asc'),
  after: z.string().max(400).optional().catch(undefined),
  before: z.string().max(400).optional().catch(undefined),
  page: z.literal('last').optional().catch(undefined),
});

const cursorShape = z.object({ value: z.string().max(300), id: z.number().int().positive() });

/** A page cursor from the URL; anything unreadable simply means "from the start". */
export function decodeCursor(raw: string | undefined, before: boolean) {
  if (!raw) return undefined;
  let json: unknown = null;
  try {
    json = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = cursorShape.safeParse(json);
  return parsed.success ? { ...parsed.data, before } : undefined;
}

export const encodeCursor = (value: string, id: number) => Buffer.from(JSON.stringify({ value, id })).toString('base64url');

/** The filters of the audit log, as the form holds them (strings, to be shown back). */
export interface AuditFilterValues {
  user: string;
  type: string;
  from: string;
  to: string;
}

export interface AuditFilters {
  values: AuditFilterValues;
  /** What is wrong with the filters, one message per field; the page lists no events until fixed. */
  errors: Partial<Record<keyof AuditFilterValues, string>>;
  type?: AuditAction;
  user?: string;
  /** The first millisecond of the "from" day (UTC), and the first after the "to" day. */
  from?: number;
  to?: number;
  cursor?: { id: number; newer: boolean };
}

const DAY = 24 * 60 * 60 * 1000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A UTC day's first millisecond, from `YYYY-MM-DD` as `<input type=date>` sends it; undefined when not a real date. */
export function utcDay(value: string): number | undefined {
  const match = ISO_DATE.exec(value);
  if (!match) return undefined;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const time = Date.UTC(y, m - 1, d);
  const back = new Date(time);
  // 2026-02-31 rolls over into March: not a date anyone meant.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) return undefined;
  return time;
}

const pageId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/**
 * Reads the audit log's query string. A cursor that is not an id is dropped (a hand-edited URL
 * pages from the start); a filter that is wrong is said so, since results filtered otherwise than
 * asked would mislead. Errors are message keys (AuditLog.errors.*), for the reader's language.
 */
export function readAuditFilters(raw: SearchParams): AuditFilters {
  const given = firstValues(raw);
  const values: AuditFilterValues = {
    user: (given.user ?? '').trim().slice(0, 254),
    type: (given.type ?? '').trim().slice(0, 80),
    from: (given.from ?? '').trim().slice(0, 20),
    to: (given.to ?? '').trim().slice(0, 20),
  };
  const filters: AuditFilters = { values, errors: {} };
  if (values.user) filters.user = values.user;
  if (values.type) {
    if (isAuditAction(values.type)) filters.type = values.type;
    else filters.errors.type = 'AuditLog.errors.type';
  }
  if (values.from) {
    filters.from = utcDay(values.from);
    if (filters.from === undefined) filters.errors.from = 'AuditLog.errors.from';
  }
  if (values.to) {
    const day = utcDay(values.to);
    if (day === undefined) filters.errors.to = 'AuditLog.errors.to';
    else filters.to = day + DAY;
  }
  if (filters.from !== undefined && filters.to !== undefined && filters.from >= filters.to) filters.errors.to = 'AuditLog.errors.toBeforeFrom';
  const before = pageId.safeParse(given.before);
  const after = pageId.safeParse(given.after);
  if (before.success) filters.cursor = { id: before.data, newer: false };
  else if (after.success) filters.cursor = { id: after.data, newer: true };
  return filters;
}

/** The query string of the audit log with these filters (and a page cursor, if any). */
export function auditFilterQuery(values: AuditFilterValues, cursor?: { before: number } | { after: number }): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of ['user', 'type', 'from', 'to'] as const) if (values[name]) params.set(name, values[name]);
  if (cursor && 'before' in cursor) params.set('before', String(cursor.before));
  if (cursor && 'after' in cursor) params.set('after', String(cursor.after));
  return params;
}
