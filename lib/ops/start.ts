// `npm start`: build when missing or stale, migrate, load or create secrets, seed the demo, serve.
import { spawn } from 'node:child_process';
import os from 'node:os';
import { closeDatabase, database } from '@/db';
import { databaseUnreachable } from '@/db/errors';
import { config, ConfigError } from '@/lib/config';
import { MissingKeyError, prepareSecrets } from '@/lib/secrets';
import { redactedUrl } from '@/db/errors';
import { chooseHasher, describeHasher } from '@/lib/auth/hasher';
import { ensureBuild } from './build-stamp';
import { serverCommand } from './server-process';
import { seedDemoIfEmpty } from './demo';

const root = process.cwd();

function fail(message: string): never {
  console.error(`deskgate: ${message}`);
  process.exit(1);
}

async function main() {
  const settings = config();
  // Database and keys first: a missing key is refused before minutes of building.
  await database();
  await prepareSecrets();
  if (!ensureBuild(root)) fail('the build failed; see the output above.');
  if (process.env.DESKGATE_DEMO !== '0') {
    const demo = await seedDemoIfEmpty();
    if (demo) {
      console.log('\nSeeded the demo organizations. These passwords are shown only once:\n');
      console.log(demo.join('\n') + '\n');
    }
  }
  await closeDatabase();
  console.log(`Database: ${settings.store === 'sqlite' ? settings.databasePath : redactedUrl(settings.databaseUrl)}`);
  // The server's hash workers make the same choice (same directory, same environment).
  console.log(describeHasher(chooseHasher(settings.hasher), settings.bcryptCost));
  // A group of its own: a Ctrl-C reaches the whole foreground group and npm forwards it again, so the
  // server hears a signal only from here, once per press (a second press, a second later, forces it).
  const server = spawn(process.execPath, serverCommand(root), {
    // An IPC channel besides: the server stops when this process dies without a word (see server.mjs).
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    detached: true,
    env: { ...process.env, NODE_ENV: 'production' },
  });
  let forwardedAt = 0;
  const forward = (signal: NodeJS.Signals) => {
    if (Date.now() - forwardedAt < 1000) return;
    forwardedAt = Date.now();
    server.kill(signal);
  };
  // This process stays until the server has drained and exits, then exits as it did.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => forward(signal));
  // Out of the terminal's group, the server would outlive a closed terminal.
  process.on('SIGHUP', () => forward('SIGTERM'));
  server.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? os.constants.signals[signal] : 0)));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof MissingKeyError) fail(error.message);
  const unreachable = databaseUnreachable(error);
  if (unreachable) fail(unreachable);
  throw error;
});
