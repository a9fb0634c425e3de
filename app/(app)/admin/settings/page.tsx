import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { passkeySignInAllowed } from '@/lib/accounts/passkey-setting';
import { requireAdmin } from '@/lib/auth/current';
import { stepUpFactors, stepUpNeedsCode } from '@/lib/auth/step-up';
import { trustSetting } from '@/lib/auth/trusted-browsers';
import { AdoptionSummary } from '../adoption';
import { GraceForm } from './grace-form';
import { PasskeyForm } from './passkey-form';
import { PolicyForm } from './policy-form';
import { TrustedBrowsersForm } from './trusted-browsers-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('AdminMetadata'))('settings') };
}

export default async function SettingsPage() {
  const current = await requireAdmin();
  const t = await getTranslations('AdminSettings');
  return (
    <div className="max-w-2xl space-y-6">
      <section className="card space-y-4" aria-labelledby="settings-heading">
        <h2 id="settings-heading" className="text-xl font-semibold">{t('policyHeading')}</h2>
        <PolicyForm policy={current.org.twoFactorPolicy} needsCode={stepUpNeedsCode(current)} factors={stepUpFactors(current)} />
      </section>
      <div className="card">
        <AdoptionSummary org={current.org} headingLevel="h2" />
      </div>
      <section className="card space-y-4" aria-labelledby="grace-heading">
        <h2 id="grace-heading" className="text-xl font-semibold">{t('graceHeading')}</h2>
        <GraceForm days={current.org.twoFactorGraceDays} needsCode={stepUpNeedsCode(current)} factors={stepUpFactors(current)} />
      </section>
      <section className="card space-y-4" aria-labelledby="passkey-heading">
        <h2 id="passkey-heading" className="text-xl font-semibold">{t('passkeyHeading')}</h2>
        <PasskeyForm allowed={await passkeySignInAllowed(current.org.id)} />
      </section>
      <section className="card space-y-4" aria-labelledby="trusted-browsers-heading">
        <h2 id="trusted-browsers-heading" className="text-xl font-semibold">{t('trustHeading')}</h2>
        <TrustedBrowsersForm {...await trustSetting(current.org.id)} needsCode={stepUpNeedsCode(current)} factors={stepUpFactors(current)} />
      </section>
    </div>
  );
}
