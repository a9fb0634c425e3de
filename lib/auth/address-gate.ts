import { PoolBusyError } from './password-pool';

interface Slot {
  running: number;
  waiting: Array<() => void>;
}

/**
 * Lets at most `perAddress` jobs of one client address run at a time; up to `maxWaiting` more wait
 * their turn and the rest are refused as busy. In front of the hashing pool, so that one address
 * cannot fill the pool's queue while every other address is served as usual. Per process, as the
 * pool is; an address holds an entry only while it has jobs.
 */
export class AddressGate {
  private slots = new Map<string, Slot>();

  constructor(
    private readonly perAddress: number,
    private readonly maxWaiting: number,
  ) {}

  async run<T>(address: string, job: () => Promise<T>): Promise<T> {
    await this.enter(address);
    try {
      return await job();
    } finally {
      this.leave(address);
    }
  }

  /** Jobs running and waiting for an address (for tests and diagnostics). */
  load(address: string): { running: number; waiting: number } {
    const slot = this.slots.get(address);
    return { running: slot?.running ?? 0, waiting: slot?.waiting.length ?? 0 };
  }

  private enter(address: string): Promise<void> {
    let slot = this.slots.get(address);
    if (!slot) this.slots.set(address, (slot = { running: 0, waiting: [] }));
    if (slot.running < this.perAddress) {
      slot.running += 1;
      return Promise.resolve();
    }
    if (slot.waiting.length >= this.maxWaiting) return Promise.reject(new PoolBusyError());
    return new Promise((resolve) => slot.waiting.push(resolve));
  }

  private leave(address: string): void {
    const slot = this.slots.get(address)!;
    // A waiter takes over the finished job's place, so `running` stays as it is.
    const next = slot.waiting.shift();
    if (next) next();
    else if (--slot.running === 0) this.slots.delete(address);
  }
}
