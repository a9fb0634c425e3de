import type { ReactNode } from 'react';
import { config } from '@/lib/config';

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center gap-6 px-4 py-10">
      <p className="text-center text-xl font-semibold tracking-tight">{config().appName}</p>
      <div className="card">{children}</div>
    </main>
  );
}
