// `node --import tsx lib/testing/with-postgres.ts COMMAND ARGS…`: starts a throwaway PostgreSQL,
// runs the command with DATABASE_URL naming a fresh database on it, stops the server (whatever
// happened) and exits with the command's status. DESKGATE_TEST_PG_PORT picks the port.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import pg from 'pg';
import { startPostgres, withDatabase } from './postgres-server';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: with-postgres.ts COMMAND [ARGS…]');
  process.exit(2);
}

const port = process.env.DESKGATE_TEST_PG_PORT ? Number(process.env.DESKGATE_TEST_PG_PORT) : undefined;
const server = await startPostgres({ port });
const client = new pg.Client(server.url);
await client.connect();
await client.query('create database deskgate');
await client.end();
const url = withDatabase(server.url, 'deskgate');
console.log(`with-postgres: PostgreSQL on port ${server.port}, DATABASE_URL=${url}`);

const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, DATABASE_URL: url } });
// Ctrl-C reaches the command too (same process group): wait for it to finish, then stop the server.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
const status = await new Promise<number>((resolve) => {
  child.once('error', (error) => {
    console.error(`with-postgres: could not run ${command}: ${error.message}`);
    resolve(127);
  });
  child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
});
await server.stop();
process.exit(status);
