import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { db, openDatabase } from '@/db';
import { tempDir } from '@/lib/testing/spawn';

test('compiled statements are reused, and each use starts with plain (not raw) rows', () => {
  const sqlite = db().$client;
  const first = sqlite.prepare('select 1 as one');
  assert.equal(sqlite.prepare('select 1 as one'), first, 'the same SQL gives the same compiled statement');
  assert.deepEqual(first.raw().get(), [1]);
  assert.deepEqual(sqlite.prepare('select 1 as one').get(), { one: 1 }, 'raw mode does not leak into the next use');
  // Statements that return no rows cannot be switched to raw mode at all: reusing them must still work.
  sqlite.prepare('create table if not exists reuse_test (x integer)').run();
  sqlite.prepare('insert into reuse_test (x) values (?)').run(1);
  sqlite.prepare('insert into reuse_test (x) values (?)').run(2);
  assert.deepEqual(sqlite.prepare('select count(*) as n from reuse_test').get(), { n: 2 });
});

test('a new database is private: its folder 0700, the file and its -wal and -shm 0600, whatever the umask', () => {
  const folder = path.join(tempDir(), 'nested', 'data');
  const file = path.join(folder, 'private.db');
  const umask = process.umask(0o022);
  try {
    const database = openDatabase(file);
    database.$client.prepare('create table written (x integer)').run();
    const mode = (p: string) => statSync(p).mode & 0o777;
    assert.equal(mode(folder), 0o700);
    assert.equal(mode(path.dirname(folder)), 0o700, 'every folder it creates');
    for (const suffix of ['', '-wal', '-shm']) assert.equal(mode(file + suffix), 0o600, `private.db${suffix}`);
    database.$client.close();
  } finally {
    process.umask(umask);
  }
});
