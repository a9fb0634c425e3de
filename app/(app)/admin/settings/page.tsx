import type { Metadata } from 'next';
import { requireAdmin } from '@/lib/auth/current';
import { stepUpNeedsCode } from '@/lib/auth/step-up';
import { PolicyForm } from './policy-form';

export const metadata: Metadata = { title: '2FA policy' };

export default async function SettingsPage() {
  const current = await requireAdmin();
  return (
    <section className="card max-w-2xl space-y-4" aria-labelledby="settings-heading">
      <h2 id="settings-heading" className="text-xl font-semibold">Two-factor authentication policy</h2>
      <PolicyForm policy={current.org.twoFactorPolicy} needsCode={stepUpNeedsCode(current)} />
    </section>
  );
}
