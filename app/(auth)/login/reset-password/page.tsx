import type { Metadata } from 'next';
import Link from 'next/link';
import { RESET_PATH, resetLinkEmail } from '@/lib/accounts/password-reset';
import { readLinkToken } from '@/lib/auth/link-cookie';
import { resetPasswordAction } from './actions';
import { ResetPasswordForm } from './reset-password-form';

export const metadata: Metadata = { title: 'Choose a new password' };

export default async function ResetPasswordPage() {
  const email = await resetLinkEmail(await readLinkToken(RESET_PATH));
  if (!email) {
    return (
      <div className="space-y-6">
        <h1 className="text-2xl font-semibold">Reset your password</h1>
        <p>This link has expired or was already used.</p>
        <p>
          <Link href="/login/forgot-password" className="btn-primary no-underline">
            Send a new link
          </Link>
        </p>
      </div>
    );
  }
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Choose a new password</h1>
      <p>
        Choose a new password for <strong>{email}</strong>. After this, every session of your account is signed out. Your two-factor authentication stays as it is: signing in still asks for it.
      </p>
      <ResetPasswordForm action={resetPasswordAction} email={email} />
    </div>
  );
}
