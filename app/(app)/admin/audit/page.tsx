import type { Metadata } from 'next';
import Link from 'next/link';
import { auditPage } from '@/db/queries/audit';
import { requireAdmin } from '@/lib/auth/current';
import { auditPageParams, firstValues, type SearchParams } from '@/lib/validation/search-params';

export const metadata: Metadata = { title: 'Audit log' };

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { org } = await requireAdmin();
  const raw = await searchParams;
  const query = auditPageParams.parse(firstValues(raw));
  const { rows, hasMore } = await auditPage(org.id, { action: query.action || undefined, userEmail: query.user || undefined, before: query.before, limit: 50 });
  const next = new URLSearchParams();
  if (query.action) next.set('action', query.action);
  if (query.user) next.set('user', query.user);
  if (rows.length) next.set('before', String(rows[rows.length - 1]!.id));
  return (
    <section className="space-y-4" aria-labelledby="audit-heading">
      <h2 id="audit-heading" className="text-xl font-semibold">Audit log</h2>
      <form method="get" action="/admin/audit" className="flex flex-wrap items-end gap-3" role="search">
        <div>
          <label htmlFor="user" className="block text-sm font-medium">User email</label>
          <input id="user" name="user" defaultValue={query.user} className="input" />
        </div>
        <div>
          <label htmlFor="action" className="block text-sm font-medium">Action</label>
          <input id="action" name="action" defaultValue={query.action} className="input" placeholder="e.g. 2fa.reset" />
        </div>
        <button type="submit" className="btn-primary">Filter</button>
        <Link href="/admin/audit" className="btn-secondary no-underline">Clear</Link>
      </form>
      {rows.length === 0 ? <p className="card">No events match. <Link href="/admin/audit">Show all events</Link></p> : (
        <div tabIndex={0} role="region" aria-label="Audit events" className="overflow-x-auto rounded-xl border border-slate-200 dark:border-slate-800">
          <table className="min-w-full divide-y divide-slate-200 bg-white text-sm dark:divide-slate-800 dark:bg-slate-900">
            <thead>
              <tr className="text-left">{['Time (UTC)', 'Actor', 'Action', 'User', 'Detail', 'Address'].map((h) => <th key={h} scope="col" className="px-3 py-2 font-semibold">{h}</th>)}</tr>
            </thead>
            <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
              {rows.map((e) => (
                <tr key={e.id}>
                  <td className="px-3 py-2 whitespace-nowrap">{new Date(e.createdAt).toISOString().slice(0, 19).replace('T', ' ')}</td>
                  <td className="px-3 py-2">{e.actorKind === 'operator' ? 'Operator (CLI)' : e.actorKind === 'system' ? 'System' : e.actorEmail}</td>
                  <td className="px-3 py-2 font-mono">{e.action}</td>
                  <td className="px-3 py-2">{e.targetEmail ?? '—'}</td>
                  <td className="px-3 py-2 font-mono text-xs">{e.detail ?? ''}</td>
                  <td className="px-3 py-2">{e.ip ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {hasMore ? <Link href={`/admin/audit?${next}`}>Older events</Link> : null}
    </section>
  );
}
