import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { currentSession } from '@/lib/auth/current';
import { safeCallbackUrl } from '@/lib/validation/fields';
import { messageFor } from '@/lib/validation/search-params';
import { config } from '@/lib/config';
import { signInAction, ssoSignInAction } from './actions';
import { LoginForm } from './login-form';
import { passkeyOptionsAction, passkeySignInAction } from './passkey-actions';
import { SecurityKeyButton } from './security-key-button';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('Metadata'))('signIn') };
}

// The reasons ?sso= and ?notice= may name (Login.ssoRefusals.*, Login.notices.*); anything else shows nothing.
const SSO_REFUSALS = ['unverified', 'unknown', 'password_user', 'linked_elsewhere', 'deactivated'] as const;
const NOTICES = ['expired', 'cancelled', 'ended', 'too-many', 'password-set', 'password-reset'] as const;
const keysOf = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, k])) as Record<K, K>;

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await currentSession()) redirect(callbackUrl);
  const t = await getTranslations('Login');
  const notice = messageFor(keysOf(NOTICES), params.notice);
  const sso = config().oidc;
  const refusal = typeof params.sso === 'string' ? messageFor(keysOf(SSO_REFUSALS), params.sso) : undefined;
  const ssoError = refusal ? t(`ssoRefusals.${refusal}`) : typeof params.sso !== 'string' && params.error ? t('ssoFailed', { name: sso?.name ?? t('ssoDefaultName') }) : undefined;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t('heading')}</h1>
      {notice ? (
        <p role="status" className="rounded-md bg-slate-100 p-3 text-sm dark:bg-slate-800">
          {t(`notices.${notice}`)}
        </p>
      ) : null}
      {ssoError ? (
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
          {ssoError}
        </p>
      ) : null}
      <LoginForm action={signInAction} callbackUrl={callbackUrl} />
      <p className="text-sm">
        <Link href="/login/forgot-password">{t('forgotPassword')}</Link>
      </p>
      <div className="space-y-3 border-t border-slate-200 pt-6 dark:border-slate-700">
        <SecurityKeyButton label={t('passkey')} optionsAction={passkeyOptionsAction} action={passkeySignInAction} fields={{ callbackUrl }} secondary />
      </div>
      {sso ? (
        <form action={ssoSignInAction} className="border-t border-slate-200 pt-6 dark:border-slate-700">
          <input type="hidden" name="callbackUrl" value={callbackUrl} />
          <button type="submit" className="btn-secondary w-full">
            {t('sso', { name: sso.name })}
          </button>
        </form>
      ) : null}
    </div>
  );
}
