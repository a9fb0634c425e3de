// Reading pages' query strings: anything unreadable counts as absent, so a hand-edited URL never fails a page.
import { z } from 'zod';
import { ACCOUNT_STATUSES, SORTS, TWO_FACTOR_STATES } from '@/db/queries/admin-users';

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

/** The filters of the audit log. */
export const auditPageParams = z.object({
  action: z.string().trim().max(60).regex(/^[a-z0-9_.]*$/).optional().catch(undefined),
  user: z.string().trim().toLowerCase().max(254).optional().catch(undefined),
  before: z.coerce.number().int().positive().optional().catch(undefined),
});
