import { Worker } from 'node:worker_threads';
import type { HasherName } from './hasher';

export class PoolBusyError extends Error {
  constructor() {
    super('The password hashing queue is full');
  }
}

type Job = { op: 'hash'; password: string; cost: number } | { op: 'compare'; password: string; hash: string };
interface Pending {
  job: Job;
  queuedAt: number;
  resolve: (value: string | boolean) => void;
  reject: (error: Error) => void;
}

// Runs in each worker; eval'd so that no bundler has to find a worker file. `require` resolves from
// the cwd. The implementation (native bcrypt or bcryptjs) is chosen by the caller (./hasher.ts).
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData.hasher);
// On Linux a nice value belongs to the calling thread: hashing yields the cores to the thread
// that serves pages, yet still uses every idle cycle.
try { require('node:os').setPriority(10); } catch {}
parentPort.on('message', (job) => {
  try {
    const result = job.op === 'hash' ? bcrypt.hashSync(job.password, job.cost) : bcrypt.compareSync(job.password, job.hash);
    parentPort.postMessage({ result });
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) });
  }
});`;

/** A fixed set of worker threads running bcrypt, with a bounded queue: the event loop never hashes. */
export class PasswordPool {
  private idle: Worker[] = [];
  private busy = new Map<Worker, Pending>();
  private queue: Pending[] = [];

  constructor(
    private readonly size: number,
    private readonly maxQueue: number,
    /** Told how long each job waited for a worker, in seconds (the metrics' histogram). */
    private readonly waited: (seconds: number) => void = () => {},
    /** The bcrypt implementation the workers load. */
    private readonly hasher: HasherName = 'bcryptjs',
  ) {}

  /** Jobs waiting, workers running one, and the most workers there may be. */
  state(): { queued: number; busy: number; size: number } {
    return { queued: this.queue.length, busy: this.busy.size, size: this.size };
  }

  private fullSince: number | null = null;

  /** Whether a job sent now would be refused (the queue is at its limit). */
  saturated(): boolean {
    return this.busy.size >= this.size && this.queue.length >= this.maxQueue;
  }

  /** How long the pool has been refusing work without a break, in ms (0: it takes work now). */
  saturatedFor(now = performance.now()): number {
    if (!this.saturated()) this.fullSince = null;
    return this.fullSince === null ? 0 : now - this.fullSince;
  }

  private noteFull() {
    if (this.saturated()) this.fullSince ??= performance.now();
    else this.fullSince = null;
  }

  hash(password: string, cost: number): Promise<string> {
    return this.run({ op: 'hash', password, cost }) as Promise<string>;
  }

  compare(password: string, hash: string): Promise<boolean> {
    return this.run({ op: 'compare', password, hash }) as Promise<boolean>;
  }

  async close(): Promise<void> {
    const workers = [...this.idle, ...this.busy.keys()];
    this.idle = [];
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private run(job: Job): Promise<string | boolean> {
    return new Promise((resolve, reject) => {
      const pending = { job, resolve, reject, queuedAt: performance.now() };
      const worker = this.takeWorker();
      if (worker) this.dispatch(worker, pending);
      else if (this.queue.length < this.maxQueue) this.queue.push(pending);
      else reject(new PoolBusyError());
      this.noteFull();
    });
  }

  private takeWorker(): Worker | undefined {
    if (this.idle.length > 0) return this.idle.pop();
    if (this.busy.size < this.size) return this.spawn();
    return undefined;
  }

  private spawn(): Worker {
    // bcrypt needs a few kilobytes per hash: small heaps keep each thread's memory small (V8's
    // defaults would let every worker grow its own young generation to tens of megabytes).
    const worker = new Worker(workerSource, { eval: true, workerData: { hasher: this.hasher }, resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 32 } });
    worker.unref();
    worker.on('message', (message: { result?: string | boolean; error?: string }) => {
      const pending = this.busy.get(worker);
      this.busy.delete(worker);
      if (message.error !== undefined) pending?.reject(new Error(message.error));
      else pending?.resolve(message.result!);
      this.release(worker);
    });
    worker.on('error', (error) => {
      this.busy.get(worker)?.reject(error);
      this.busy.delete(worker);
      this.idle = this.idle.filter((w) => w !== worker);
    });
    return worker;
  }

  private dispatch(worker: Worker, pending: Pending) {
    this.waited((performance.now() - pending.queuedAt) / 1000);
    this.busy.set(worker, pending);
    worker.ref();
    worker.postMessage(pending.job);
  }

  private release(worker: Worker) {
    const next = this.queue.shift();
    this.noteFull();
    if (next) this.dispatch(worker, next);
    else {
      worker.unref();
      this.idle.push(worker);
    }
  }
}
