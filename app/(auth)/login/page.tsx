import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { currentSession } from '@/lib/auth/current';
import { safeCallbackUrl } from '@/lib/validation/fields';
import { messageFor } from '@/lib/validation/search-params';
import { config } from '@/lib/config';
import { signInAction, ssoSignInAction } from './actions';
import { LoginForm } from './login-form';
import { passkeyOptionsAction, passkeySignInAction } from './passkey-actions';
import { SecurityKeyButton } from './security-key-button';

export const metadata: Metadata = { title: 'Sign in' };

const ssoRefusals: Record<string, string> = {
  unverified: 'Your identity provider did not confirm your email address, so you cannot be signed in with it. Ask your administrator.',
  unknown: 'There is no account here for the email address your identity provider gave. Ask your administrator to add you.',
  password_user: 'This account signs in with email and password, not through single sign-on.',
  linked_elsewhere: 'This account is already linked to another identity at your identity provider. Ask your administrator.',
  deactivated: 'This account has been deactivated, so you cannot sign in. Ask your administrator.',
};

const notices: Record<string, string> = {
  expired: 'That sign-in took too long and has expired. Please sign in again.',
  cancelled: 'Sign-in cancelled.',
  ended: 'Your sign-in was ended. Please sign in again.',
  'too-many': 'Too many wrong codes. For your security, please sign in again.',
  'password-set': 'Your password is set. Sign in with your email address and the new password.',
  'password-reset': 'Your password has been changed. Sign in.',
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await currentSession()) redirect(callbackUrl);
  const notice = messageFor(notices, params.notice);
  const sso = config().oidc;
  const ssoError =
    typeof params.sso === 'string' ? messageFor(ssoRefusals, params.sso) : params.error ? `Signing in with ${sso?.name ?? 'single sign-on'} did not work. Try again in a moment, or contact your administrator if it keeps failing.` : undefined;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Sign in</h1>
      {notice ? (
        <p role="status" className="rounded-md bg-slate-100 p-3 text-sm dark:bg-slate-800">
          {notice}
        </p>
      ) : null}
      {ssoError ? (
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
          {ssoError}
        </p>
      ) : null}
      <LoginForm action={signInAction} callbackUrl={callbackUrl} />
      <p className="text-sm">
        <Link href="/login/forgot-password">Forgot your password?</Link>
      </p>
      <div className="space-y-3 border-t border-slate-200 pt-6 dark:border-slate-700">
        <SecurityKeyButton label="Sign in with a passkey" optionsAction={passkeyOptionsAction} action={passkeySignInAction} fields={{ callbackUrl }} secondary />
      </div>
      {sso ? (
        <form action={ssoSignInAction} className="border-t border-slate-200 pt-6 dark:border-slate-700">
          <input type="hidden" name="callbackUrl" value={callbackUrl} />
          <button type="submit" className="btn-secondary w-full">
            Sign in with {sso.name}
          </button>
        </form>
      ) : null}
    </div>
  );
}
