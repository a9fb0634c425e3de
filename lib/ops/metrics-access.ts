import 'server-only';
import { createHash, timingSafeEqual } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import { headers } from 'next/headers';
import { config } from '@/lib/config';
import { clientAddress, socketPeer } from '@/lib/request';

export type MetricsAccess = 'allowed' | 'unauthorized' | 'forbidden';

function isLoopback(address: string | null): boolean {
  return address !== null && ipaddr.isValid(address) && ipaddr.process(address).range() === 'loopback';
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Compared as digests of equal length, in constant time. */
export function tokenMatches(given: string | null, expected: string | undefined): boolean {
  if (!given || !expected) return false;
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * /metrics is for the operator's scraper: a request from this machine — the connection from loopback
 * and, behind a trusted proxy, the client it forwards too (a proxy on the same host would otherwise
 * make every visitor local) — or one with the bearer token of METRICS_TOKEN.
 */
export async function metricsAccess(): Promise<MetricsAccess> {
  const bearer = /^Bearer\s+(\S+)$/i.exec((await headers()).get('authorization') ?? '')?.[1] ?? null;
  if (tokenMatches(bearer, config().metricsToken)) return 'allowed';
  if (bearer !== null) return 'unauthorized';
  if (isLoopback(await socketPeer()) && isLoopback(await clientAddress())) return 'allowed';
  return config().metricsToken ? 'unauthorized' : 'forbidden';
}
