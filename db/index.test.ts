import { test } from 'node:test';
import assert from 'node:assert/strict';
import { db } from '@/db';

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
