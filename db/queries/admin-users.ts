import 'server-only';
import { and, asc, eq, isNotNull, isNull, not, or, sql, type SQL } from 'drizzle-orm';
import { db } from '@/db';
import { users, type TwoFactorPolicy } from '@/db/schema';

export const TWO_FACTOR_STATES = ['enabled', 'not_set_up', 'required', 'sso'] as const;
export type TwoFactorState = (typeof TWO_FACTOR_STATES)[number];
export const SORTS = ['name', 'email'] as const;
export type UserSort = (typeof SORTS)[number];

export interface UserTableQuery {
  orgId: number;
  policy: TwoFactorPolicy;
  q?: string;
  state?: TwoFactorState;
  method?: 'password' | 'sso';
  sort: UserSort;
  /** Keyset cursor: the sort value and id of the last row of the previous page. */
  after?: { value: string; id: number };
  limit: number;
}

/** The SQL for "2FA required of this user" under the organization's policy (a constant here). */
function requiredSql(policy: TwoFactorPolicy): SQL {
  if (policy === 'required') return sql`1`;
  if (policy === 'optional') return sql`${users.twoFactorRequired} = 1`;
  return sql`0`;
}

function stateFilter(state: TwoFactorState, policy: TwoFactorPolicy): SQL {
  const password = and(eq(users.signInMethod, 'password'), isNull(users.totpEnabledAt))!;
  switch (state) {
    case 'enabled':
      return isNotNull(users.totpEnabledAt);
    case 'sso':
      return eq(users.signInMethod, 'sso');
    case 'required':
      return and(password, requiredSql(policy))!;
    case 'not_set_up':
      return and(password, not(requiredSql(policy)))!;
  }
}

/** One page of an organization's users: keyset-paged on an index, never OFFSET. */
export function userTablePage(query: UserTableQuery) {
  const sortColumn = query.sort === 'name' ? sql`${users.name} collate nocase` : sql`${users.email}`;
  const where: (SQL | undefined)[] = [eq(users.orgId, query.orgId)];
  if (query.q) {
    // Prefix search, answered from the (org, name) and (org, email) indexes.
    const q = query.q.toLowerCase();
    const end = q + '\uffff';
    where.push(or(and(sql`${users.name} collate nocase >= ${q}`, sql`${users.name} collate nocase < ${end}`), and(sql`${users.email} >= ${q}`, sql`${users.email} < ${end}`)));
  }
  if (query.state) where.push(stateFilter(query.state, query.policy));
  if (query.method) where.push(eq(users.signInMethod, query.method));
  if (query.after) where.push(sql`(${sortColumn}, ${users.id}) > (${query.after.value}, ${query.after.id})`);
  const rows = db()
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      signInMethod: users.signInMethod,
      twoFactorRequired: users.twoFactorRequired,
      totpEnabledAt: users.totpEnabledAt,
      recoveryCodesLeft: users.recoveryCodesLeft,
      lastSignInAt: users.lastSignInAt,
      totpLastUsedAt: users.totpLastUsedAt,
    })
    .from(users)
    .where(and(...where))
    .orderBy(sortColumn, asc(users.id))
    .limit(query.limit + 1)
    .all();
  const hasMore = rows.length > query.limit;
  return { rows: rows.slice(0, query.limit), hasMore };
}

export function stateOf(user: { signInMethod: string; totpEnabledAt: number | null; twoFactorRequired: boolean }, policy: TwoFactorPolicy): TwoFactorState {
  if (user.signInMethod === 'sso') return 'sso';
  if (user.totpEnabledAt !== null) return 'enabled';
  return policy === 'required' || (policy === 'optional' && user.twoFactorRequired) ? 'required' : 'not_set_up';
}

/** A user of this organization (for admin actions), or undefined: ids from forms are checked here. */
export function orgUser(orgId: number, userId: number) {
  return db()
    .select({ id: users.id, name: users.name, email: users.email, role: users.role, signInMethod: users.signInMethod, twoFactorRequired: users.twoFactorRequired, totpEnabledAt: users.totpEnabledAt })
    .from(users)
    .where(and(eq(users.orgId, orgId), eq(users.id, userId)))
    .get();
}

