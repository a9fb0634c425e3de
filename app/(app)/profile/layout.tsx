import type { ReactNode } from 'react';
import { ProfileTabs } from './tabs';

export default function ProfileLayout({ children }: { children: ReactNode }) {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Profile</h1>
      <ProfileTabs />
      {children}
    </div>
  );
}
