// Store-independent (backups and restores of SQLite files of its own): the PostgreSQL unit run skips it (package.json test:unit:pg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runScript, tempDir } from '@/lib/testing/spawn';

// SQLite whatever the suite's store: each folder is an installation, keys beside its database.
const root = tempDir();
const noKeysFromEnvironment = { AUTH_SECRET: '', DESKGATE_ENCRYPTION_KEY: '', DESKGATE_CODE_KEY: '', DESKGATE_SECRETS_DIR: '', DESKGATE_LOG: 'off' };
const installation = (name: string) => ({ dir: path.join(root, name), db: path.join(root, name, 'deskgate.db') });
const cli = (name: string, ...args: string[]) => runScript('lib/cli/main.ts', args, { ...noKeysFromEnvironment, DATABASE_URL: `file:${installation(name).db}` });
const KEY_FILES = ['auth-secret', 'encryption-key', 'code-key'];

function copyKeys(from: string, to: string) {
  mkdirSync(installation(to).dir, { recursive: true, mode: 0o700 });
  for (const file of KEY_FILES) copyFileSync(path.join(installation(from).dir, file), path.join(installation(to).dir, file));
}

const rows = (file: string, query: string) => {
  const sqlite = new Database(file, { readonly: true });
  try {
    return sqlite.prepare(query).all();
  } finally {
    sqlite.close();
  }
};

// The original installation, with a user, and its backup.
const backup = path.join(root, 'backup.db');
assert.equal(cli('origin', 'org:create', '--slug', 'acme', '--name', 'Acme').status, 0);
assert.equal(cli('origin', 'user:create', '--org', 'acme', '--email', 'ann@acme.example', '--name', 'Ann', '--password', 'long-enough-1').status, 0);
assert.equal(cli('origin', 'db:backup', backup).status, 0);

test('a backup restored into a fresh folder with its key files: the same users, 0600, audited as the operator', () => {
  assert.equal(statSync(backup).mode & 0o777, 0o600, 'the backup holds password hashes: private');
  copyKeys('origin', 'fresh');
  const restored = cli('fresh', 'db:restore', backup, '--json');
  assert.equal(restored.status, 0, restored.stderr);
  assert.equal(JSON.parse(restored.stdout).replacedUsers, 0);
  const target = installation('fresh').db;
  assert.deepEqual(rows(target, 'select email from users'), [{ email: 'ann@acme.example' }]);
  assert.equal(statSync(target).mode & 0o777, 0o600);
  const [event] = rows(target, "select actor_kind as actor, org_id as org from audit_events where action = 'db.restored'");
  assert.deepEqual(event, { actor: 'operator', org: null });
  assert.deepEqual(readdirSync(root).filter((f) => f.startsWith('backup.db-')), [], 'reading the backup left no -wal or -shm beside it');
  assert.equal(cli('fresh', 'user:list', '--org', 'acme').status, 0, 'the restored database opens with these keys');
});

test('without the key files, or with other keys, the restore is refused in one line naming them, and nothing is created', () => {
  const bare = cli('bare', 'db:restore', backup);
  assert.equal(bare.status, 1);
  assert.match(bare.stderr, /made with keys this installation does not have \(DESKGATE_ENCRYPTION_KEY, DESKGATE_CODE_KEY\): copy the key files kept with the backup \(auth-secret, encryption-key, code-key\) into \S+bare/);
  assert.equal(bare.stderr.trim().split('\n').length, 1);
  assert.equal(existsSync(installation('bare').dir), false, 'no folder, database or key was created');

  assert.equal(cli('other', 'org:create', '--slug', 'other', '--name', 'Other').status, 0);
  const other = cli('other', 'db:restore', backup, '--force');
  assert.equal(other.status, 1);
  assert.match(other.stderr, /keys this installation does not have \(DESKGATE_ENCRYPTION_KEY, DESKGATE_CODE_KEY\)/);
  for (const file of KEY_FILES) assert.ok(!other.stderr.includes(readFileSync(path.join(installation('origin').dir, file), 'utf8').trim()), 'no key is printed');
  assert.deepEqual(rows(installation('other').db, 'select slug from organizations'), [{ slug: 'other' }]);
});

test('a database that has users is replaced only with --force', () => {
  copyKeys('origin', 'busy');
  assert.equal(cli('busy', 'org:create', '--slug', 'busy', '--name', 'Busy').status, 0);
  assert.equal(cli('busy', 'user:create', '--org', 'busy', '--email', 'bob@busy.example', '--name', 'Bob', '--password', 'long-enough-1').status, 0);
  const refused = cli('busy', 'db:restore', backup);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /holds 1 user\(s\): stop the server and give --force/);
  assert.deepEqual(rows(installation('busy').db, 'select email from users'), [{ email: 'bob@busy.example' }]);
  const forced = cli('busy', 'db:restore', backup, '--force', '--json');
  assert.equal(forced.status, 0, forced.stderr);
  assert.equal(JSON.parse(forced.stdout).replacedUsers, 1);
  assert.deepEqual(rows(installation('busy').db, 'select email from users'), [{ email: 'ann@acme.example' }]);
});

test('bad backups: one clear line, a non-zero exit, the database unchanged', () => {
  copyKeys('origin', 'target');
  const junk = path.join(root, 'junk.db');
  writeFileSync(junk, 'not a database, only text '.repeat(40));
  const otherApp = path.join(root, 'other-app.db');
  const sqlite = new Database(otherApp);
  sqlite.exec('create table __drizzle_migrations (id integer primary key, hash text, created_at numeric); create table notes (body text)');
  sqlite.close();
  const newer = path.join(root, 'newer.db');
  copyFileSync(backup, newer);
  const later = new Database(newer);
  later.prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)').run('from-the-future', Date.now());
  later.close();
  const cases: [string[], RegExp][] = [
    [['db:restore'], /give the backup file: db:restore FILE/],
    [['db:restore', path.join(root, 'missing.db')], /missing\.db does not exist/],
    [['db:restore', root], /is not a file/],
    [['db:restore', junk], /junk\.db is not a SQLite database/],
    [['db:restore', otherApp], /other-app\.db is not a Deskgate database/],
    [['db:restore', newer], /newer\.db comes from a newer Deskgate \(\d+ migrations, this one has \d+\)/],
    [['db:restore', backup, 'extra'], /unexpected argument "extra"/],
  ];
  for (const [args, message] of cases) {
    const result = cli('target', ...args);
    assert.notEqual(result.status, 0, args.join(' '));
    assert.match(result.stderr, message, args.join(' '));
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  }
  assert.equal(existsSync(installation('target').db), false, 'no database was created');
});

test('on PostgreSQL, db:restore points to pg_restore and exits non-zero without connecting', () => {
  const result = runScript('lib/cli/main.ts', ['db:restore', backup], { ...noKeysFromEnvironment, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/deskgate' });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /on PostgreSQL, restore with pg_restore/);
});

test('db:backup refuses an existing file and a missing folder in one line', () => {
  const cases: [string, RegExp][] = [
    [backup, /backup\.db exists; give a new file name/],
    [path.join(root, 'no-folder', 'b.db'), /no-folder does not exist; create the folder first/],
  ];
  for (const [file, message] of cases) {
    const result = cli('origin', 'db:backup', file);
    assert.equal(result.status, 1);
    assert.match(result.stderr, message);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  }
});
