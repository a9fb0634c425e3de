import type { NextConfig } from 'next';

const allowedOrigins = (process.env.ALLOWED_ORIGINS ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);

const nextConfig: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  serverExternalPackages: ['better-sqlite3', 'bcryptjs', 'prom-client'],
  experimental: {
    serverActions: { allowedOrigins, bodySizeLimit: '64kb' },
  },
};

export default nextConfig;
