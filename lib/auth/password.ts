import 'server-only';
import { randomBytes } from 'node:crypto';
import { config } from '@/lib/config';
import { metrics, reportHashPool } from '@/lib/ops/metrics';
import { onShutdown } from '@/lib/ops/shutdown';
import { log } from '@/lib/log';
import { AddressGate } from './address-gate';
import { chooseHasher, describeHasher } from './hasher';
import { PasswordPool } from './password-pool';

export { PoolBusyError } from './password-pool';

const holder = globalThis as unknown as { deskgatePasswordPool?: PasswordPool; deskgateDummyHash?: Promise<string>; deskgateAddressGate?: AddressGate };

function pool(): PasswordPool {
  if (!holder.deskgatePasswordPool) {
    const hasher = chooseHasher(config().hasher);
    if (hasher.fallback) log('password_hashing.fallback', { reason: describeHasher(hasher, config().bcryptCost) });
    const made = new PasswordPool(config().hashWorkers, config().hashQueue, (seconds) => metrics().hashWait.observe(seconds), hasher.name);
    reportHashPool(() => made.state());
    holder.deskgatePasswordPool = made;
    onShutdown(() => made.close());
  }
  return holder.deskgatePasswordPool;
}

/** How long the hash pool has been refusing work without a break, in ms (/readyz); a pool not made yet is idle. */
export function hashPoolSaturatedFor(): number {
  return holder.deskgatePasswordPool?.saturatedFor() ?? 0;
}

export function hashPassword(password: string): Promise<string> {
  return pool().hash(password, config().bcryptCost);
}

/**
 * Compares against the stored hash, or against a dummy hash at the same cost when there is none
 * (unknown email, SSO-only account), so every failure costs the same time.
 */
export async function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  if (hash) return pool().compare(password, hash);
  holder.deskgateDummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  await pool().compare(password, await holder.deskgateDummyHash);
  return false;
}

/** verifyPassword with at most DESKGATE_HASHES_PER_ADDRESS comparisons of one client address in flight; the rest wait or are refused busy. */
export function verifyPasswordFrom(address: string, password: string, hash: string | null): Promise<boolean> {
  holder.deskgateAddressGate ??= new AddressGate(config().hashesPerAddress, config().hashQueue);
  return holder.deskgateAddressGate.run(address, () => verifyPassword(password, hash));
}
