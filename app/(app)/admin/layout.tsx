import Link from 'next/link';
import type { ReactNode } from 'react';
import { requireAdmin } from '@/lib/auth/current';

export default async function AdminLayout({ children }: { children: ReactNode }) {
  // Pages check again themselves; this keeps members from seeing even the frame.
  const { org } = await requireAdmin();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Administration · {org.name}</h1>
      <nav aria-label="Administration sections">
        <ul className="flex flex-wrap gap-6">
          <li>
            <Link href="/admin/users">Users</Link>
          </li>
          <li>
            <Link href="/admin/settings">2FA policy</Link>
          </li>
          <li>
            <Link href="/admin/audit">Audit log</Link>
          </li>
        </ul>
      </nav>
      {children}
    </div>
  );
}
