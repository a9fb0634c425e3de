import type { Metadata } from 'next';
import { StatusChangePage } from '../../status-change';

export const metadata: Metadata = { title: 'Revoke invitation' };

export default function RevokeInvitationPage({ params }: { params: Promise<{ id: string }> }) {
  return <StatusChangePage params={params} change="revoke-invitation" />;
}
