import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import Link from 'next/link';
import { invitationFor } from '@/lib/accounts/invitations';
import { config } from '@/lib/config';
import { readLinkToken } from '@/lib/auth/link-cookie';
import { InvitationForm } from './invitation-form';
import { INVITATION_ENDED } from './messages';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('Invitation'))('title') };
}

/** The invitation link's page (`/invitation?token=…`, which the proxy turns into a cookie and a clean URL): a live link greets the invitee and asks for a password; any other says so plainly. */
export default async function InvitationPage() {
  // The proxy moved the link's token out of the URL into a cookie scoped to this path.
  const token = await readLinkToken('/invitation');
  const invitee = token ? await invitationFor(token) : null;
  const t = await getTranslations();
  if (!invitee) {
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold">{t('Invitation.heading')}</h1>
        <p role="alert">{t(INVITATION_ENDED)}</p>
        <p><Link href="/login">{t('Invitation.goToSignIn')}</Link></p>
      </div>
    );
  }
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t('Invitation.welcome', { name: invitee.name })}</h1>
      <p>{t.rich('Invitation.intro', { email: invitee.email, appName: config().appName, strong: (chunks) => <strong>{chunks}</strong> })}</p>
      <InvitationForm email={invitee.email} />
    </div>
  );
}
