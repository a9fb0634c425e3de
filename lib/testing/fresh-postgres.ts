// Preload (`node --import tsx --import ./lib/testing/fresh-postgres.ts …`): when DATABASE_URL names a
// PostgreSQL server, this test process gets a fresh database of its own on it, created before any
// app module reads DATABASE_URL and dropped when the process exits. With any other DATABASE_URL it
// does nothing. Under `node --test` only the test files' processes get one, not the runner. It also
// gets throwaway keys, as a test on an in-memory SQLite database does (PostgreSQL has no folder for them).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { storeFor } from '@/db/store';
import { withDatabase } from './postgres-server';

const isTestRunner = process.execArgv.includes('--test') && !process.env.NODE_TEST_CONTEXT;

// 'exit' handlers cannot wait for a query: a short child process drops the database (FORCE: this
// process's own connections are still open).
const DROP = `const pg = require('pg'); const c = new pg.Client(process.argv[1]);
c.connect().then(() => c.query(process.argv[2])).catch((e) => { console.error('fresh-postgres: ' + e.message); process.exitCode = 1; }).finally(() => c.end());`;

async function freshDatabase(serverUrl: string): Promise<void> {
  const maintenance = withDatabase(serverUrl, 'postgres');
  const name = `deskgate_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client(maintenance);
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  process.env.DATABASE_URL = withDatabase(serverUrl, name);
  for (const key of ['AUTH_SECRET', 'DESKGATE_ENCRYPTION_KEY', 'DESKGATE_CODE_KEY']) process.env[key] ??= randomBytes(32).toString('base64url');
  process.once('exit', () => {
    spawnSync(process.execPath, ['-e', DROP, maintenance, `drop database if exists ${name} with (force)`], { stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: '' } });
  });
}

if (!isTestRunner && storeFor(process.env.DATABASE_URL) === 'postgres') await freshDatabase(process.env.DATABASE_URL!);
