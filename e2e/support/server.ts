import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { serverEnv } from './env';

export interface ExtraServer {
  baseURL: string;
  stop: () => Promise<void>;
}

/**
 * A second app process on the same database and build, with its own settings (e.g. lowered
 * session lifetimes). It shares everything stored, as a second replica would.
 */
export async function startExtraServer(port: number, env: Record<string, string>): Promise<ExtraServer> {
  const child: ChildProcess = spawn(process.execPath, [path.join(process.cwd(), 'lib/ops/server.mjs')], {
    env: { ...process.env, ...serverEnv, ...env, PORT: String(port), NODE_ENV: 'production', NODE_OPTIONS: '' },
    stdio: 'ignore',
  });
  const baseURL = `http://localhost:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${baseURL}/login`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the extra server on ${port} did not start`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    baseURL,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
