import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { currentSession } from '@/lib/auth/current';
import { safeCallbackUrl } from '@/lib/validation/fields';
import { signInAction } from './actions';
import { LoginForm } from './login-form';

export const metadata: Metadata = { title: 'Sign in' };

const notices: Record<string, string> = {
  expired: 'That sign-in took too long and has expired. Please sign in again.',
  cancelled: 'Sign-in cancelled.',
  ended: 'Your sign-in was ended. Please sign in again.',
  'too-many': 'Too many wrong codes. For your security, please sign in again.',
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await currentSession()) redirect(callbackUrl);
  const notice = typeof params.notice === 'string' ? notices[params.notice] : undefined;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Sign in</h1>
      {notice ? (
        <p role="status" className="rounded-md bg-slate-100 p-3 text-sm dark:bg-slate-800">
          {notice}
        </p>
      ) : null}
      <LoginForm action={signInAction} callbackUrl={callbackUrl} />
    </div>
  );
}
