import type { Metadata } from 'next';
import { requireSession } from '@/lib/auth/current';
import { PasswordForm } from './password-form';

export const metadata: Metadata = { title: 'Password' };

export default async function PasswordPage() {
  const { user } = await requireSession();
  return (
    <div className="card space-y-4">
      <h2 className="text-xl font-semibold">Change password</h2>
      {user.signInMethod === 'sso' ? <p>Your password is managed by your identity provider.</p> : <PasswordForm />}
    </div>
  );
}
