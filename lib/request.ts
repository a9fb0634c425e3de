import 'server-only';
import { headers } from 'next/headers';
import { config } from './config';
import { PEER_KEY, verifiedPeer } from './peer';

/**
 * The client's address: the last hop of X-Forwarded-For when TRUST_PROXY=1 (what our proxy saw),
 * otherwise the socket's peer, which lib/ops/server.mjs writes with a MAC nobody else can make.
 * Without it (`next start`, `next dev`) every client is 'unknown': one shared per-address bucket,
 * which fails closed — a forged address would let one client spread its guesses over many.
 */
export async function clientAddress(): Promise<string> {
  const h = await headers();
  if (config().trustProxy) {
    const hops = (h.get('x-forwarded-for') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (hops.length > 0) return hops[hops.length - 1]!;
  }
  const key = (globalThis as Record<symbol, Buffer | undefined>)[PEER_KEY];
  return verifiedPeer(h.get('x-deskgate-peer'), h.get('x-deskgate-peer-mac'), key) ?? 'unknown';
}

// A User-Agent is the client's own text: kept for the Devices tab, but never more than this.
export const USER_AGENT_MAX = 512;

/** Where a session comes from, as a new one records it: the browser's User-Agent (capped) and the client address the throttles use. */
export interface RequestDevice {
  userAgent: string | null;
  clientAddress: string;
}

export async function requestDevice(): Promise<RequestDevice> {
  const agent = (await headers()).get('user-agent');
  return { userAgent: agent ? agent.slice(0, USER_AGENT_MAX) : null, clientAddress: await clientAddress() };
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
