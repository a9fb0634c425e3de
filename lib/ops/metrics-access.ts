import 'server-only';
import { createHash, timingSafeEqual } from 'node:crypto';
import { headers } from 'next/headers';
import { config } from '@/lib/config';
import { PEER_KEY, verifiedPeer } from '@/lib/peer';

export type MetricsAccess = 'allowed' | 'unauthorized' | 'forbidden';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Compared as digests of equal length, in constant time. */
export function tokenMatches(given: string | null, expected: string | undefined): boolean {
  if (!given || !expected) return false;
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * /metrics is for the operator's scraper: through METRICS_PORT, the listener lib/ops/server.mjs binds to
 * loopback only (it marks the request with a MAC under its per-start key), or with the bearer token of
 * METRICS_TOKEN. Never by the client's address: behind a reverse proxy on the same machine every
 * visitor's connection comes from loopback.
 */
export async function metricsAccess(): Promise<MetricsAccess> {
  const h = await headers();
  const bearer = /^Bearer\s+(\S+)$/i.exec(h.get('authorization') ?? '')?.[1] ?? null;
  if (tokenMatches(bearer, config().metricsToken)) return 'allowed';
  if (bearer !== null) return 'unauthorized';
  const key = (globalThis as Record<symbol, Buffer | undefined>)[PEER_KEY];
  if (verifiedPeer('listener:metrics', h.get('x-deskgate-listener'), key)) return 'allowed';
  return config().metricsToken ? 'unauthorized' : 'forbidden';
}
