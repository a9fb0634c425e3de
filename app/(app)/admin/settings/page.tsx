import type { Metadata } from 'next';
import { ActionForm } from '@/app/_components/action-form';
import { requireAdmin } from '@/lib/auth/current';
import { setPolicyAction } from '../actions';

export const metadata: Metadata = { title: '2FA policy' };

const choices = [
  { value: 'off', label: 'Off', text: 'Users without 2FA cannot set it up; users who have it keep it (sign-in still asks for a code) and may turn it off. SSO users are not affected.' },
  { value: 'optional', label: 'Optional', text: 'Users choose: they may set up, change and turn off 2FA (unless you require it for them). SSO users are not affected.' },
  { value: 'required', label: 'Required', text: 'Users without 2FA are signed out and must set it up at their next sign-in; users with 2FA cannot turn it off. SSO users are not affected: their identity provider handles 2FA.' },
] as const;

export default async function SettingsPage() {
  const { org } = await requireAdmin();
  return (
    <section className="card max-w-2xl space-y-4" aria-labelledby="settings-heading">
      <h2 id="settings-heading" className="text-xl font-semibold">Two-factor authentication policy</h2>
      <ActionForm action={setPolicyAction} className="space-y-4">
        <fieldset className="space-y-3">
          <legend className="font-medium">Policy for email and password users</legend>
          {choices.map((c) => (
            <div key={c.value} className="flex gap-3">
              <input type="radio" id={`policy-${c.value}`} name="policy" value={c.value} defaultChecked={org.twoFactorPolicy === c.value} aria-describedby={`policy-${c.value}-text`} className="mt-1 h-4 w-4" />
              <div>
                <label htmlFor={`policy-${c.value}`} className="font-medium">{c.label}</label>
                <p id={`policy-${c.value}-text`} className="text-sm text-slate-700 dark:text-slate-300">{c.text}</p>
              </div>
            </div>
          ))}
        </fieldset>
        <button type="submit" className="btn-primary">Save policy</button>
      </ActionForm>
    </section>
  );
}
