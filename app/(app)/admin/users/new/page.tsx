import type { Metadata } from 'next';
import Link from 'next/link';
import { requireAdmin } from '@/lib/auth/current';
import { stepUpFactors, stepUpNeedsCode } from '@/lib/auth/step-up';
import { config } from '@/lib/config';
import { AddUserForm } from './add-user-form';

export const metadata: Metadata = { title: 'Add user' };

/** Adds a user to the admin's organization: a password user is invited by mail, an SSO user signs in through the IdP. */
export default async function AddUserPage() {
  const current = await requireAdmin();
  const sso = config().oidc;
  return (
    <section className="card max-w-xl space-y-4" aria-labelledby="add-user-heading">
      <h2 id="add-user-heading" className="text-xl font-semibold">Add a user to {current.org.name}</h2>
      <p>
        A user who signs in with a password gets a mail with a link to choose it (valid for 48 hours, once). They then sign in and meet your organization&apos;s 2FA policy.
        {sso ? ` A user who signs in with ${sso.name} needs no mail: they can sign in at once.` : ''}
      </p>
      <AddUserForm ssoName={sso?.name ?? null} needsCode={stepUpNeedsCode(current)} factors={stepUpFactors(current)} cancel={<Link href="/admin/users" className="btn-secondary no-underline">Cancel</Link>} />
    </section>
  );
}
