import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { serverEnv } from './env';
import { serverCommand } from '@/lib/ops/server-process';

export interface ExtraServer {
  baseURL: string;
  stop: () => Promise<void>;
}

export interface KillableServer extends ExtraServer {
  /** Kills the process with SIGKILL, as a crash or the OOM killer would (no shutdown code runs). */
  kill: () => Promise<void>;
  /** Sends `signal` and returns at once. */
  signal: (signal: NodeJS.Signals) => void;
  /** How the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

interface Options {
  /** Appends the server's output to this file instead of dropping it. */
  log?: string;
  /** Extra `node` options (e.g. `--require` a test preload). */
  nodeOptions?: string;
  /** Serve with plain `next start` instead of lib/ops/server.mjs (what an operator might run). */
  nextStart?: boolean;
}

/**
 * A second app process on the same database and build, with its own settings (e.g. lowered
 * session lifetimes). It shares everything stored, as a second replica would.
 */
export async function startExtraServer(basePort: number, env: Record<string, string>, options: Options = {}): Promise<KillableServer> {
  // Two suites on one machine (two worktrees) keep apart with E2E_PORT_OFFSET.
  const port = basePort + Number(process.env.E2E_PORT_OFFSET ?? 0);
  // Whatever already listens there would answer for the new server (which fails to bind and exits).
  if (await listening(port)) throw new Error(`port ${port} is taken: choose E2E_PORT, IDP_PORT and E2E_PORT_OFFSET apart (e2e/README.md)`);
  const output = options.log ? openSync(options.log, 'a') : 'ignore';
  const script = options.nextStart ? [path.join(process.cwd(), 'node_modules/next/dist/bin/next'), 'start', '-p', String(port)] : serverCommand(process.cwd());
  const child: ChildProcess = spawn(process.execPath, script, {
    env: { ...process.env, ...serverEnv, ...env, PORT: String(port), NODE_ENV: 'production', NODE_OPTIONS: options.nodeOptions ?? '' },
    stdio: ['ignore', output, output],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const baseURL = `http://localhost:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${baseURL}/login`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`the extra server on ${port} did not start`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const end = (signal: NodeJS.Signals) => async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { baseURL, stop: end('SIGTERM'), kill: end('SIGKILL'), signal: (signal) => child.kill(signal), exited };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, 'localhost');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

export interface Balancer {
  baseURL: string;
  /** What it printed so far (which instance it found not ready, which refused). */
  output: () => string;
  stop: () => Promise<void>;
}

/** e2e/support/round-robin.mjs on `basePort` (plus E2E_PORT_OFFSET) in front of `backends`, with `options` (e.g. --health /readyz). */
export async function startBalancer(basePort: number, backends: ExtraServer[], options: string[] = []): Promise<Balancer> {
  const port = basePort + Number(process.env.E2E_PORT_OFFSET ?? 0);
  const backendPorts = backends.map((b) => new URL(b.baseURL).port);
  const child = spawn(process.execPath, [path.join(process.cwd(), 'e2e/support/round-robin.mjs'), ...options, String(port), ...backendPorts], {
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  const listening = new Promise<void>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      printed += chunk;
      if (printed.includes(`http://localhost:${port}`)) resolve();
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', () => reject(new Error(`the balancer on ${port} did not start:\n${printed}`)));
  });
  await listening;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    baseURL: `http://localhost:${port}`,
    output: () => printed,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
