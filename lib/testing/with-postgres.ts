// `node --import tsx lib/testing/with-postgres.ts COMMAND ARGS…`: starts a throwaway PostgreSQL,
// runs the command with DATABASE_URL naming a fresh database on it, stops the server (whatever
// happened) and exits with the command's status. DESKGATE_TEST_PG_PORT picks the port.
// Nested (`npm run test:pg` wraps both halves, each of which wraps itself), the inner ones take a
// fresh database on the outer server instead of starting another: one server start for `npm test`.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:os';
import pg from 'pg';
import { startPostgres, withDatabase, type PostgresServer } from './postgres-server';

const OUTER = 'DESKGATE_TEST_PG_SERVER';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: with-postgres.ts COMMAND [ARGS…]');
  process.exit(2);
}

const outer = process.env[OUTER];
const port = process.env.DESKGATE_TEST_PG_PORT ? Number(process.env.DESKGATE_TEST_PG_PORT) : undefined;
const server: Pick<PostgresServer, 'url' | 'stop'> = outer ? { url: outer, stop: async () => {} } : await startPostgres({ port });
// The outer run's own database is `deskgate`; a nested one gets a name of its own beside it.
const name = outer ? `deskgate_${randomBytes(4).toString('hex')}` : 'deskgate';
const client = new pg.Client(server.url);
await client.connect();
await client.query(`create database ${name}`);
await client.end();
const url = withDatabase(server.url, name);
console.log(`with-postgres: ${outer ? 'the outer run’s PostgreSQL' : `PostgreSQL on port ${new URL(server.url).port}`}, DATABASE_URL=${url}`);

const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, DATABASE_URL: url, [OUTER]: server.url } });
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
