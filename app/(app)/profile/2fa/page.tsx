import type { Metadata } from 'next';
import { EnrollmentDetails } from '@/app/_components/enrollment-details';
import { passkeySignInAllowed } from '@/lib/accounts/passkey-setting';
import { requireSession } from '@/lib/auth/current';
import { pendingEnrollment } from '@/lib/auth/enrollment';
import { hasSecondFactor, isTwoFactorRequired } from '@/lib/auth/policy';
import { stepUpFactors, stepUpNeedsCode } from '@/lib/auth/step-up';
import { listKeys } from '@/lib/auth/webauthn';
import { config } from '@/lib/config';
import { messageFor } from '@/lib/validation/search-params';
import { keyTask } from './key-task';
import { TwoFactorTab, type StepUpKind, type TabView } from './two-factor-tab';

export const metadata: Metadata = { title: 'Two-factor authentication' };

const formatDate = (ms: number) => new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(ms) + ' UTC';
const notices: Record<string, string> = {
  disabled: 'Two-factor authentication is off.',
  'app-removed': 'The authenticator app is removed. Your security keys and recovery codes keep working.',
  'app-added': 'The authenticator app is added. Your recovery codes stay the same.',
  'key-added': 'The security key is added.',
  'key-renamed': 'The security key is renamed.',
  'key-removed': 'The security key is removed.',
};

export default async function TwoFactorPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const current = await requireSession();
  const { user, org } = current;
  const params = await searchParams;
  if (user.signInMethod === 'sso') {
    return (
      <div className="card space-y-2">
        <h2 className="text-xl font-semibold">Two-factor authentication</h2>
        <p>Your sign-in and 2FA are handled by your identity provider. Manage your second factor there (for example in your Google or Microsoft account).</p>
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
  const notice = messageFor(notices, params.notice);
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
