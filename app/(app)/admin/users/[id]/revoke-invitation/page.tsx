import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { StatusChangePage } from '../../status-change';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('AdminMetadata'))('revokeInvitation') };
}

export default function RevokeInvitationPage({ params }: { params: Promise<{ id: string }> }) {
  return <StatusChangePage params={params} change="revoke-invitation" />;
}
