import type { Metadata } from 'next';
import { requireSession } from '@/lib/auth/current';
import { tokenDigest } from '@/lib/auth/tokens';
import { currentTrustToken } from '@/lib/auth/trust-cookie';
import { listTrustedBrowsers } from '@/lib/auth/trusted-browsers';
import { TrustedBrowsers } from './trusted-browsers';

export const metadata: Metadata = { title: 'Devices' };

export default async function DevicesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { user } = await requireSession();
  const token = await currentTrustToken();
  const notice = (await searchParams).notice;
  return (
    <div className="space-y-6">
      <TrustedBrowsers rows={await listTrustedBrowsers(user.id)} thisBrowser={token ? tokenDigest(token) : null} removed={notice === 'trust-removed'} />
    </div>
  );
}
