import { countSecurityEvent } from '@/lib/ops/metrics';

/**
 * One JSON line per security event on stdout. Callers pass ids, emails and outcomes — never
 * passwords, codes, secrets or tokens.
 */
export function log(event: string, fields: Record<string, unknown> = {}): void {
  countSecurityEvent(event, fields);
  if (process.env.DESKGATE_LOG === 'off') return;
  console.log(JSON.stringify({ at: new Date().toISOString(), event, ...fields }));
}
