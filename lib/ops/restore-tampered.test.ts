// Store-independent (backups and restores of SQLite files of its own): the PostgreSQL unit run skips it (package.json test:unit:pg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runScript, tempDir } from '@/lib/testing/spawn';

// SQLite whatever the suite's store: each folder is an installation, keys beside its database.
const root = tempDir();
const noKeysFromEnvironment = { AUTH_SECRET: '', DESKGATE_ENCRYPTION_KEY: '', DESKGATE_CODE_KEY: '', DESKGATE_SECRETS_DIR: '', DESKGATE_LOG: 'off' };
const databaseOf = (name: string) => path.join(root, name, 'deskgate.db');
const cli = (name: string, ...args: string[]) => runScript('lib/cli/main.ts', args, { ...noKeysFromEnvironment, DATABASE_URL: `file:${databaseOf(name)}` });

// The original installation and its backup; the target installation, with the same keys and a user of its own.
const backup = path.join(root, 'backup.db');
assert.equal(cli('origin', 'org:create', '--slug', 'acme', '--name', 'Acme').status, 0);
assert.equal(cli('origin', 'db:backup', backup).status, 0);
mkdirSync(path.join(root, 'target'), { mode: 0o700 });
for (const key of ['auth-secret', 'encryption-key', 'code-key']) copyFileSync(path.join(root, 'origin', key), path.join(root, 'target', key));
assert.equal(cli('target', 'org:create', '--slug', 'kept', '--name', 'Kept').status, 0);
assert.equal(cli('target', 'user:create', '--org', 'kept', '--email', 'bob@kept.example', '--name', 'Bob', '--password', 'long-enough-1').status, 0);
const targetBytes = readFileSync(databaseOf('target'));

/** A copy of the backup changed by `statements`, as someone who can write to backup storage could. */
function tampered(name: string, statements: string): string {
  const file = path.join(root, `${name}.db`);
  copyFileSync(backup, file);
  const sqlite = new Database(file);
  // Defensive mode off: pragma writable_schema may edit sqlite_master then, as a hand-crafted file can.
  sqlite.unsafeMode(true);
  sqlite.exec(statements);
  sqlite.close();
  return file;
}

function assertRefused(file: string, message: RegExp) {
  const result = cli('target', 'db:restore', file, '--force');
  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stderr, message);
  assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  assert.ok(readFileSync(databaseOf('target')).equals(targetBytes), `${path.basename(file)}: the database is unchanged`);
  assert.deepEqual(readdirSync(path.join(root, 'target')).filter((f) => f.includes('.restore-')), [], 'the checked copy is gone');
}

test('a backup carrying a trigger, a view, a table or a table definition the migrations do not make is refused, naming it, and changes nothing', () => {
  const cases: [string, string, RegExp][] = [
    ['wipe-audit', 'create trigger hide_audit after insert on audit_events begin delete from audit_events where id = new.id; end', /trigger "hide_audit" \(not Deskgate's\)/],
    ['promote', "create trigger promote after update of last_sign_in_at on users begin update users set role = 'admin' where id = new.id; end", /trigger "promote" \(not Deskgate's\)/],
    ['view', 'create view every_hash as select email, password_hash from users', /view "every_hash" \(not Deskgate's\)/],
    ['table', 'create table stash (body text)', /table "stash" \(not Deskgate's\)/],
    [
      'generated',
      "pragma writable_schema = on; update sqlite_master set sql = replace(sql, 'then ''enabled''', 'then ''none''') where name = 'users'",
      /table "users" \(altered\)/,
    ],
  ];
  for (const [name, statements, object] of cases) {
    assertRefused(tampered(name, statements), new RegExp(`${name}\\.db holds a schema Deskgate's migrations do not make: .*${object.source}.*nothing was changed\\.$`, 'm'));
  }
});

test('a backup missing one of the migrations\' objects is refused', () => {
  const sqlite = new Database(backup, { readonly: true });
  const { name } = sqlite.prepare("select name from sqlite_master where type = 'index' and sql is not null limit 1").get() as { name: string };
  sqlite.close();
  assertRefused(tampered('no-index', `drop index "${name}"`), new RegExp(`index "${name}" \\(missing\\)`));
});

test('the configured database through a symbolic link is refused as itself', () => {
  const link = path.join(root, 'link.db');
  symlinkSync(databaseOf('target'), link);
  assertRefused(link, /link\.db is the configured database itself/);
});

test('a database a running process has open is refused, unchanged; once closed, the restore goes through', () => {
  const server = new Database(databaseOf('target'));
  server.pragma('journal_mode = WAL');
  server.prepare('select count(*) from users').get();
  try {
    assertRefused(backup, /deskgate\.db is in use \(a running server has it open\): stop the server/);
  } finally {
    server.close();
  }
  const restored = cli('target', 'db:restore', backup, '--force');
  assert.equal(restored.status, 0, restored.stderr);
  const sqlite = new Database(databaseOf('target'), { readonly: true });
  try {
    assert.deepEqual(sqlite.prepare('select slug from organizations').all(), [{ slug: 'acme' }]);
  } finally {
    sqlite.close();
  }
});
