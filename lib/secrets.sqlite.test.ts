import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runScript, tempDir } from '@/lib/testing/spawn';

// SQLite only: key files beside a SQLite database (PostgreSQL takes them from the environment).

test('secrets are generated beside the database (folder 0700) with mode 0600, whole; a missing key for encrypted data refuses to start', () => {
  // A folder the database creates (tempDir itself is 0700 already).
  const dir = path.join(tempDir(), 'data');
  // No key from the caller's environment: they must come from the files.
  const env = { DATABASE_URL: `file:${path.join(dir, 'keys.db')}`, DESKGATE_LOG: 'off', AUTH_SECRET: '', DESKGATE_ENCRYPTION_KEY: '', DESKGATE_CODE_KEY: '', DESKGATE_SECRETS_DIR: '' };
  // The CLI opens the database; the start script then creates the keys (and stops before building, below).
  assert.equal(runScript('lib/cli/main.ts', ['org:create', '--slug', 'k', '--name', 'K'], env).status, 0);
  const probe = runScript('lib/ops/secrets-check.ts', [], env);
  assert.equal(probe.status, 0, probe.stderr);
  for (const file of ['auth-secret', 'encryption-key', 'code-key']) {
    assert.ok(existsSync(path.join(dir, file)), file);
    assert.equal(statSync(path.join(dir, file)).mode & 0o777, 0o600, file);
    assert.match(readFileSync(path.join(dir, file), 'utf8'), /^[\w-]{43}\n$/, `${file} is whole`);
  }
  assert.equal(statSync(dir).mode & 0o777, 0o700, 'the folder the database was created in');
  assert.deepEqual(readdirSync(dir).filter((name) => name.endsWith('.tmp')), [], 'no temporary key file is left behind');

  // Encrypted data exists, and the key file is lost.
  const sqlite = new Database(path.join(dir, 'keys.db'));
  sqlite.prepare("insert into users (org_id, email, name, role, sign_in_method, totp_secret) values (1, 'x@k.example', 'X', 'member', 'password', 'ciphertext')").run();
  sqlite.close();
  rmSync(path.join(dir, 'encryption-key'));
  const refused = runScript('lib/ops/start.ts', [], env);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /holds data encrypted or keyed with DESKGATE_ENCRYPTION_KEY/);
  assert.match(refused.stderr, /will not generate a new one/);
  assert.equal(existsSync(path.join(dir, 'encryption-key')), false, 'no new key was written');
});

test('a data key other than the one the database was set up with is refused at start (another instance, a wrong backup)', () => {
  const dir = path.join(tempDir(), 'data');
  const env = { DATABASE_URL: `file:${path.join(dir, 'keys.db')}`, DESKGATE_LOG: 'off', AUTH_SECRET: '', DESKGATE_ENCRYPTION_KEY: '', DESKGATE_CODE_KEY: '', DESKGATE_SECRETS_DIR: '' };
  assert.equal(runScript('lib/ops/secrets-check.ts', [], env).status, 0, 'the first start records the keys');
  const other = runScript('lib/ops/secrets-check.ts', [], { ...env, DESKGATE_CODE_KEY: 'b'.repeat(64) });
  assert.equal(other.status, 1);
  assert.match(other.stderr, /DESKGATE_CODE_KEY is not the key this database was set up with/);
  assert.equal(runScript('lib/ops/secrets-check.ts', [], { ...env, AUTH_SECRET: 'rotated-auth-secret' }).status, 0, 'AUTH_SECRET may be rotated');
  assert.equal(runScript('lib/ops/secrets-check.ts', [], env).status, 0, 'the right keys still start');
});
