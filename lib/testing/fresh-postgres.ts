// Preload (`node --import tsx --import ./lib/testing/fresh-postgres.ts …`): when DATABASE_URL names a
// PostgreSQL server, this test process gets a fresh database of its own on it, created before any
// app module reads DATABASE_URL and dropped when the process exits. With any other DATABASE_URL it
// does nothing. Under `node --test` only the test files' processes get one; the runner makes the
// migrated template they are copied from. It also gets throwaway keys, as a test on an in-memory
// SQLite database does (PostgreSQL has no folder for them).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { storeFor } from '@/db/store';
import { withDatabase } from './postgres-server';

const isTestRunner = process.execArgv.includes('--test') && !process.env.NODE_TEST_CONTEXT;

// 'exit' handlers cannot wait for a query: a short child process drops the database (FORCE: this
// process's own connections are still open).
const DROP = `const pg = require('pg'); const c = new pg.Client(process.argv[1]);
c.connect().then(() => c.query(process.argv[2])).catch((e) => { console.error('fresh-postgres: ' + e.message); process.exitCode = 1; }).finally(() => c.end());`;

// The runner migrates one template database; each test file's database is a copy of it (CREATE
// DATABASE … TEMPLATE copies files), so the migrations run once per run instead of once per file.
const TEMPLATE = 'DESKGATE_TEST_PG_TEMPLATE';

async function createDatabase(maintenance: string, name: string, template?: string): Promise<void> {
  const client = new pg.Client(maintenance);
  await client.connect();
  try {
    await client.query(`create database ${name}${template ? ` template ${template}` : ''}`);
  } finally {
    await client.end();
  }
}

function dropAtExit(maintenance: string, name: string) {
  process.once('exit', () => {
    spawnSync(process.execPath, ['-e', DROP, maintenance, `drop database if exists ${name} with (force)`], { stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: '' } });
  });
}

async function migratedTemplate(serverUrl: string): Promise<void> {
  const maintenance = withDatabase(serverUrl, 'postgres');
  const name = `deskgate_template_${process.pid}_${randomBytes(4).toString('hex')}`;
  await createDatabase(maintenance, name);
  dropAtExit(maintenance, name);
  // As the app migrates (db/postgres.ts): the same migrator and folder; the app, opening its copy,
  // finds every migration recorded and applies none. Loaded here, in the runner only: a test file's
  // process loads no app module before its DATABASE_URL is set.
  const { postgresMigrations } = await import('@/db/postgres');
  const client = new pg.Client(withDatabase(serverUrl, name));
  await client.connect();
  try {
    await migrate(drizzle({ client }), { migrationsFolder: postgresMigrations });
  } finally {
    // A template cannot be copied while anyone is connected to it.
    await client.end();
  }
  process.env[TEMPLATE] = name;
}

async function freshDatabase(serverUrl: string): Promise<void> {
  const maintenance = withDatabase(serverUrl, 'postgres');
  const name = `deskgate_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await createDatabase(maintenance, name, process.env[TEMPLATE]);
  process.env.DATABASE_URL = withDatabase(serverUrl, name);
  for (const key of ['AUTH_SECRET', 'DESKGATE_ENCRYPTION_KEY', 'DESKGATE_CODE_KEY']) process.env[key] ??= randomBytes(32).toString('base64url');
  dropAtExit(maintenance, name);
}

if (storeFor(process.env.DATABASE_URL) === 'postgres') {
  if (isTestRunner) await migratedTemplate(process.env.DATABASE_URL!);
  else await freshDatabase(process.env.DATABASE_URL!);
}
