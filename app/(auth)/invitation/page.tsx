import type { Metadata } from 'next';
import Link from 'next/link';
import { invitationFor } from '@/lib/accounts/invitations';
import { config } from '@/lib/config';
import { readLinkToken } from '@/lib/auth/link-cookie';
import { InvitationForm } from './invitation-form';
import { INVITATION_ENDED } from './messages';

export const metadata: Metadata = { title: 'Accept invitation' };

/** The invitation link's page (`/invitation?token=…`, which the proxy turns into a cookie and a clean URL): a live link greets the invitee and asks for a password; any other says so plainly. */
export default async function InvitationPage() {
  // The proxy moved the link's token out of the URL into a cookie scoped to this path.
  const token = await readLinkToken('/invitation');
  const invitee = token ? await invitationFor(token) : null;
  if (!invitee) {
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold">Invitation</h1>
        <p role="alert">{INVITATION_ENDED}</p>
        <p><Link href="/login">Go to sign-in</Link></p>
      </div>
    );
  }
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Welcome, {invitee.name}</h1>
      <p>Choose a password for <strong>{invitee.email}</strong> to finish setting up your {config().appName} account. Then sign in with it.</p>
      <InvitationForm email={invitee.email} />
    </div>
  );
}
