import type { NextRequest } from 'next/server';
import { auditPage, matchUsers, USER_MATCH_CAP, type AuditQuery } from '@/db/queries/audit';
import { auditAlone } from '@/lib/audit';
import { AUDIT_CSV_HEADER, auditCsvRow } from '@/lib/audit-csv';
import { currentSession } from '@/lib/auth/current';
import { csvAttachment, csvStream, refusedCrossSite } from '@/lib/csv';
import { english } from '@/lib/i18n/translate';
import { clientAddress } from '@/lib/request';
import { readAuditFilters, type SearchParams } from '@/lib/validation/search-params';

export const dynamic = 'force-dynamic';

// The CSV stays in English whatever the admin's language (#18): its column headers and cells (the event
// sentences too, lib/audit-csv.ts) are a data format that scripts read, the same as the CLI's `audit:list --csv`.

// Rows are read a page at a time, as the client takes them: 100,000 events never sit in memory at once.
const BATCH = 1000;

const text = (status: number, body: string) => new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });

/** The audit log as filtered on the page, as CSV: for the organization's admins only, and audited. */
export async function GET(request: NextRequest) {
  const current = await currentSession();
  if (!current) return Response.redirect(new URL(`/login?callbackUrl=${encodeURIComponent('/admin/audit')}`, request.nextUrl), 303);
  if (current.user.role !== 'admin') return text(404, 'Not found.\n');
  const crossSite = refusedCrossSite(request);
  if (crossSite) return crossSite;
  const raw: SearchParams = Object.fromEntries(request.nextUrl.searchParams);
  const filters = readAuditFilters(raw);
  const userIds = filters.user && !filters.errors.user ? await matchUsers(current.org.id, filters.user) : undefined;
  if (userIds === null) filters.errors.user = `More than ${USER_MATCH_CAP} users match “${filters.values.user}”.`;
  const errors = Object.values(filters.errors).map(english);
  if (errors.length > 0) return text(400, `The filters need a fix: ${errors.join(' ')}\n`);
  const query: AuditQuery = { orgId: current.org.id, action: filters.type, userIds: userIds ?? undefined, from: filters.from, to: filters.to, limit: BATCH };
  // The whole log as filtered (the page's cursor is not carried); an empty user match exports the header only.
  const cursor: AuditQuery['cursor'] | null = userIds?.length === 0 ? null : undefined;

  const detail: Record<string, string> = {};
  for (const [name, value] of Object.entries(filters.values)) if (value) detail[name] = value;
  await auditAlone({ orgId: current.org.id, actor: { kind: 'user', userId: current.user.id }, action: 'audit.exported', detail, ip: await clientAddress() });

  return csvAttachment(csvStream(AUDIT_CSV_HEADER, auditCsvPages(query, cursor)), `audit-${current.org.slug}`);
}

/** The events of the query, newest first, as CSV chunks of one keyset page each; a null cursor: none. */
async function* auditCsvPages(query: AuditQuery, cursor: AuditQuery['cursor'] | null): AsyncGenerator<string> {
  while (cursor !== null) {
    const page = await auditPage({ ...query, cursor });
    if (page.rows.length) yield page.rows.map(auditCsvRow).join('');
    cursor = page.hasOlder ? { id: page.rows.at(-1)!.id, newer: false } : null;
  }
}
