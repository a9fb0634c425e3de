import type { NextRequest } from 'next/server';
import { auditAlone } from '@/lib/audit';
import { currentSession } from '@/lib/auth/current';
import { csvAttachment, csvStream, refusedCrossSite } from '@/lib/csv';
import { clientAddress } from '@/lib/request';
import { USERS_CSV_HEADER, userCsvPages } from '@/lib/users-csv';
import { firstValues, usersPageParams } from '@/lib/validation/search-params';

export const dynamic = 'force-dynamic';

// The CSV stays in English whatever the admin's language (#18): its column headers and cells are a data
// format that scripts read, the same as the CLI's, not a page.

/**
 * The users table as filtered on the page, as CSV: for the organization's admins only, and audited.
 * The filters are read as the page reads them (a value it does not know counts as absent, as on the
 * page); its page cursor is not carried: the whole filtered list is exported.
 */
export async function GET(request: NextRequest) {
  const current = await currentSession();
  if (!current) return Response.redirect(new URL(`/login?callbackUrl=${encodeURIComponent('/admin/users')}`, request.nextUrl), 303);
  if (current.user.role !== 'admin') return new Response('Not found.\n', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });
  const crossSite = refusedCrossSite(request);
  if (crossSite) return crossSite;
  const { q, state, method, status, sort, dir } = usersPageParams.parse(firstValues(Object.fromEntries(request.nextUrl.searchParams)));
  const filters = { q: q || undefined, state, method, status, sort, dir };

  const detail: Record<string, string> = {};
  for (const [name, value] of Object.entries(filters)) if (value) detail[name] = value;
  await auditAlone({ orgId: current.org.id, actor: { kind: 'user', userId: current.user.id }, action: 'users.exported', detail, ip: await clientAddress() });

  const pages = userCsvPages({ orgId: current.org.id, policy: current.org.twoFactorPolicy, ...filters });
  return csvAttachment(csvStream(USERS_CSV_HEADER, pages), `users-${current.org.slug}`);
}
