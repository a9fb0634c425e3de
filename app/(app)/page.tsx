import Link from 'next/link';
import { requireSession } from '@/lib/auth/current';

const policyText = { off: 'Off', optional: 'Optional', required: 'Required' } as const;

export default async function HomePage() {
  const { user, org, method } = await requireSession();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Welcome, {user.name}</h1>
      <div className="card">
        <dl className="grid grid-cols-1 gap-x-6 gap-y-3 sm:grid-cols-[max-content_1fr]">
          <dt className="font-medium">Email</dt>
          <dd>{user.email}</dd>
          <dt className="font-medium">Organization</dt>
          <dd>{org.name}</dd>
          <dt className="font-medium">Role</dt>
          <dd>{user.role === 'admin' ? 'Administrator' : 'Member'}</dd>
          <dt className="font-medium">Signed in with</dt>
          <dd>{method === 'sso' ? 'Single sign-on' : method === 'passkey' ? 'A passkey' : 'Email and password'}</dd>
          <dt className="font-medium">Organization 2FA policy</dt>
          <dd>{policyText[org.twoFactorPolicy]}</dd>
        </dl>
      </div>
      <ul className="flex flex-wrap gap-4">
        <li>
          <Link href="/profile/2fa">Two-factor authentication</Link>
        </li>
        <li>
          <Link href="/profile/password">Change password</Link>
        </li>
        {user.role === 'admin' ? (
          <li>
            <Link href="/admin/users">Administration</Link>
          </li>
        ) : null}
      </ul>
    </div>
  );
}
