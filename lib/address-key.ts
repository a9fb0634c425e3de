import ipaddr from 'ipaddr.js';

/**
 * What the per-address limits count a client address as: an IPv4 address as it is (an IPv4-mapped
 * IPv6 address too), and an IPv6 address by its /64 — one host usually holds a whole /64, and
 * would otherwise spread its guesses and hashes over as many addresses as it likes.
 */
export function addressKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const prefix = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${prefix.join(':')}::/64`;
}
