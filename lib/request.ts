import 'server-only';
import { headers } from 'next/headers';
import { config } from './config';

/**
 * The client's address: the last hop of X-Forwarded-For when TRUST_PROXY=1 (what our proxy saw),
 * otherwise the socket's peer, which lib/ops/server.mjs writes into a header nobody else can set.
 */
export async function clientAddress(): Promise<string> {
  const h = await headers();
  if (config().trustProxy) {
    const hops = (h.get('x-forwarded-for') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (hops.length > 0) return hops[hops.length - 1]!;
  }
  return h.get('x-deskgate-peer') ?? 'unknown';
}

export async function isHttps(): Promise<boolean> {
  const h = await headers();
  return h.get('x-forwarded-proto') === 'https';
}

/** Tells lib/ops/server.mjs that this POST reached one of our server actions: a 5xx after this is ours, not bad input. */
export function markActionEntered(): void {
  const calls = (globalThis as Record<symbol, unknown>)[Symbol.for('deskgate.action-calls')] as { getStore(): { entered: boolean } | undefined } | undefined;
  const call = calls?.getStore();
  if (call) call.entered = true;
}
