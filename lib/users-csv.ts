// The users table as CSV: the admin's "Download CSV" and the CLI's `user:list --csv` write the same rows.
import 'server-only';
import type { TwoFactorPolicy } from '@/db/schema';
import { stateOf, userTablePage, type UserTableQuery } from '@/db/queries/admin-users';
import { hasSecondFactor } from '@/lib/auth/policy';
import { csvRow } from './csv';

export const USERS_CSV_HEADER = csvRow(['name', 'email', 'role', 'sign_in_method', 'two_factor', 'recovery_codes_left', 'last_sign_in_utc', 'last_2fa_use_utc']);

export type UserTableRow = Awaited<ReturnType<typeof userTablePage>>['rows'][number];

const utc = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * One user as a CSV record, as the table shows them: the 2FA state as the table's filter names it
 * (enabled, not_set_up, required, sso), codes left only for a user with a second factor, times in UTC.
 */
export function userCsvRow(user: UserTableRow, policy: TwoFactorPolicy): string {
  return csvRow([user.name, user.email, user.role, user.signInMethod, stateOf(user, policy), hasSecondFactor(user) ? user.recoveryCodesLeft : null, utc(user.lastSignInAt), utc(user.totpLastUsedAt)]);
}

/** The filters and order of the table; the export walks all of its pages. */
export type UserExportQuery = Omit<UserTableQuery, 'cursor' | 'last' | 'limit'>;

// Rows are read a page at a time, as the client takes them: 100,000 users never sit in memory at once.
export const USER_EXPORT_BATCH = 1000;

/** Every user the table shows with these filters, in its order, as CSV chunks of one keyset page each. */
export async function* userCsvPages(query: UserExportQuery, batch = USER_EXPORT_BATCH): AsyncGenerator<string> {
  let cursor: UserTableQuery['cursor'];
  for (;;) {
    const page = await userTablePage({ ...query, cursor, limit: batch });
    if (page.rows.length) yield page.rows.map((u) => userCsvRow(u, query.policy)).join('');
    const last = page.rows.at(-1);
    if (!page.hasNext || !last) return;
    cursor = { value: query.sort === 'name' ? last.name : last.email, id: last.id, before: false };
  }
}
