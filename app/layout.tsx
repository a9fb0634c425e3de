import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { config } from '@/lib/config';
import './globals.css';

// Every page is rendered per request: the CSP nonce and the session check need it.
export const dynamic = 'force-dynamic';

export function generateMetadata(): Metadata {
  return { title: { default: config().appName, template: `%s · ${config().appName}` } };
}

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen">{children}</body>
    </html>
  );
}
