import type { Metadata } from 'next';
import { StatusChangePage } from '../../status-change';

export const metadata: Metadata = { title: 'Reactivate user' };

export default function ReactivatePage({ params }: { params: Promise<{ id: string }> }) {
  return <StatusChangePage params={params} change="reactivate" />;
}
