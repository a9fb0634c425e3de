import type { Metadata } from 'next';
import { requestPasswordResetAction } from './actions';
import { ForgotPasswordForm } from './forgot-password-form';

export const metadata: Metadata = { title: 'Forgot your password?' };

export default function ForgotPasswordPage() {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Forgot your password?</h1>
      <p>Enter the email address you sign in with. If it belongs to an account that signs in with a password, we send it a link to choose a new one.</p>
      <ForgotPasswordForm action={requestPasswordResetAction} />
    </div>
  );
}
