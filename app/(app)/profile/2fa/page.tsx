import type { Metadata } from 'next';
import { getLocale, getTranslations } from 'next-intl/server';
import { EnrollmentDetails } from '@/app/_components/enrollment-details';
import { passkeySignInAllowed } from '@/lib/accounts/passkey-setting';
import { requireSession } from '@/lib/auth/current';
import { pendingEnrollment } from '@/lib/auth/enrollment';
import { hasSecondFactor, isTwoFactorRequired } from '@/lib/auth/policy';
import { stepUpFactors, stepUpNeedsCode } from '@/lib/auth/step-up';
import { listKeys } from '@/lib/auth/webauthn';
import { config } from '@/lib/config';
import { formatDateTime } from '@/lib/i18n/utc-times';
import { isLocale, type Locale } from '@/lib/i18n/locales';
import { messageFor } from '@/lib/validation/search-params';
import { keyTask } from './key-task';
import { TwoFactorTab, type StepUpKind, type TabView } from './two-factor-tab';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('TwoFactor'))('title') };
}

const NOTICES = ['disabled', 'app-removed', 'app-added', 'key-added', 'key-renamed', 'key-removed'] as const;
const notices: Record<string, `notices.${(typeof NOTICES)[number]}`> = Object.fromEntries(NOTICES.map((code) => [code, `notices.${code}`]));

export default async function TwoFactorPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const current = await requireSession();
  const { user, org } = current;
  const params = await searchParams;
  const t = await getTranslations('TwoFactor');
  const asked = await getLocale();
  const locale: Locale = isLocale(asked) ? asked : 'en';
  const formatDate = (ms: number) => formatDateTime(ms, locale);
  if (user.signInMethod === 'sso') {
    return (
      <div className="card space-y-2">
        <h2 className="text-xl font-semibold">{t('title')}</h2>
        <p>{t('ssoText')}</p>
      </div>
    );
  }
  const policy = org.twoFactorPolicy;
  const hasApp = user.totpEnabledAt !== null;
  const enabled = hasSecondFactor(user);
  const canManage = policy !== 'off';
  const required = isTwoFactorRequired(user, policy);
  const found = canManage ? await pendingEnrollment(user.id, { sessionId: current.sessionId }) : null;
  const pending = found && 'secret' in found ? found.secret : null;
  const requested = typeof params.action === 'string' ? params.action : null;
  const canDisable = hasApp && (!required || user.webauthnKeyCount > 0);
  const allowed: StepUpKind[] = [...(canManage && hasApp ? (['reconfigure'] as const) : []), ...(canManage ? (['regenerate'] as const) : []), ...(canDisable ? (['disable'] as const) : [])];
  const stepUp = enabled && allowed.includes(requested as StepUpKind) ? (requested as StepUpKind) : null;
  const stored = await listKeys(user.id);
  // "Passkey sign-in allowed" only where the organization allows it.
  const passkeys = stored.some((k) => k.passkey) && (await passkeySignInAllowed(org.id));
  const keys = stored.map((k) => ({ credentialId: k.credentialId, name: k.name, added: formatDate(k.createdAt), lastUsed: k.lastUsedAt ? formatDate(k.lastUsedAt) : null, passkey: passkeys && k.passkey }));
  const lastRequired = required && !hasApp && keys.length === 1;

  const view: TabView = {
    state: pending ? 'enrolling' : enabled ? 'enabled' : canManage ? 'setup' : 'unavailable',
    email: user.email,
    appName: config().appName,
    required,
    since: user.totpEnabledAt ? formatDate(user.totpEnabledAt) : undefined,
    codesLeft: user.recoveryCodesLeft,
    canManage,
    canDisable,
    stepUp,
    needsCode: stepUpNeedsCode(current),
    reconfiguring: hasApp && pending !== null,
    recovered: params.recovered === '1',
    setupElsewhere: found !== null && 'elsewhere' in found,
    hasApp,
    keys: {
      keys,
      canAdd: canManage,
      task: keyTask(requested, typeof params.key === 'string' ? params.key : null, keys, { canAdd: canManage, lastRequired }),
      needsCode: stepUpNeedsCode(current),
      factors: stepUpFactors(current),
      lastRequired,
    },
  };
  const noticeKey = messageFor(notices, params.notice);
  const notice = noticeKey ? t(noticeKey) : undefined;
  return (
    <>
      {notice ? (
        <p role="status" className="rounded-md border border-green-300 bg-green-50 p-3 text-green-900 dark:border-green-800 dark:bg-green-950 dark:text-green-100">
          {notice}
        </p>
      ) : null}
      <TwoFactorTab view={view} enrollment={pending ? <EnrollmentDetails secret={pending} email={user.email} /> : undefined} />
    </>
  );
}
