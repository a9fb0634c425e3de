import type { Server } from 'node:http';

export interface Drainable {
  inFlight(): number;
  drain(options: { delayMs: number; drainMs: number }): Promise<{ cutOff: number }>;
}

export function drainable(server: Server): Drainable;
export function runHooks(hooks: Iterable<() => unknown>, timeoutMs: number, report: (message: string) => void): Promise<void>;
