// Preload (`node --import tsx --import ./lib/testing/fresh-postgres.ts …`): when DATABASE_URL names a
// PostgreSQL server, this test process gets a fresh database of its own on it, created before any
// app module reads DATABASE_URL and dropped when the process exits. With any other DATABASE_URL it
// does nothing. Under `node --test` only the test files' processes get one, not the runner.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { storeFor } from '@/db/store';
import { withDatabase } from './postgres-server';

const isTestRunner = process.execArgv.includes('--test') && !process.env.NODE_TEST_CONTEXT;

/** Runs one statement on the server's maintenance database. */
export async function onServer(url: string, statement: string): Promise<void> {
  const client = new pg.Client(withDatabase(url, 'postgres'));
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function freshDatabase(serverUrl: string): Promise<void> {
  const name = `deskgate_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await onServer(serverUrl, `create database ${name}`);
  process.env.DATABASE_URL = withDatabase(serverUrl, name);
  // 'exit' handlers cannot wait for a query: a short child process drops it (FORCE: this process's
  // connections are still open).
  process.once('exit', () => {
    spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--drop', serverUrl, name], { stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: '' } });
  });
}

const [flag, serverUrl, name] = process.argv.slice(2);
if (flag === '--drop' && serverUrl && name && process.argv[1] === fileURLToPath(import.meta.url)) {
  await onServer(serverUrl, `drop database if exists ${name} with (force)`);
} else if (!isTestRunner && storeFor(process.env.DATABASE_URL) === 'postgres') {
  await freshDatabase(process.env.DATABASE_URL!);
}
