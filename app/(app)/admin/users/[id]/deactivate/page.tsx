import type { Metadata } from 'next';
import { StatusChangePage } from '../../status-change';

export const metadata: Metadata = { title: 'Deactivate user' };

export default function DeactivatePage({ params }: { params: Promise<{ id: string }> }) {
  return <StatusChangePage params={params} change="deactivate" />;
}
