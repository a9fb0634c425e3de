import type { NextConfig } from 'next';
import createNextIntlPlugin from 'next-intl/plugin';

// The request's locale and messages (no locale in the URL): lib/i18n/request.ts.
const withNextIntl = createNextIntlPlugin('./lib/i18n/request.ts');

const allowedOrigins = (process.env.ALLOWED_ORIGINS ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);

const nextConfig: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  serverExternalPackages: ['better-sqlite3', 'bcrypt', 'bcryptjs', 'prom-client'],
  // No page belongs in a search engine. robots.txt asks crawlers not to fetch; this header keeps out
  // what they reach anyway (a URL linked from elsewhere is indexed despite robots.txt). Here rather
  // than in proxy.ts: it covers the files the proxy skips (public/, _next/static) too.
  async headers() {
    return [{ source: '/:path*', headers: [{ key: 'X-Robots-Tag', value: 'noindex, nofollow' }] }];
  },
  experimental: {
    serverActions: { allowedOrigins, bodySizeLimit: '64kb' },
  },
};

export default withNextIntl(nextConfig);
