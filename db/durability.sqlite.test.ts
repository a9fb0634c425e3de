import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openSqlite } from '@/db/sqlite';
import { tempDir } from '@/lib/testing/spawn';

// SQLite only: the PRAGMAs of a SQLite file (PostgreSQL keeps its own fsync settings).
test(
  'a database file commits durably: WAL with synchronous = FULL, so an OS crash cannot undo an acknowledged commit',
  async () => {
    const database = openSqlite(path.join(tempDir(), 'deskgate.db'));
    try {
      const sqlite = database.writer;
      assert.equal(sqlite.pragma('journal_mode', { simple: true }), 'wal');
      // 2 is FULL: the WAL is fsynced at every commit (NORMAL, 1, syncs only at checkpoints).
      assert.equal(sqlite.pragma('synchronous', { simple: true }), 2);
    } finally {
      await database.close();
    }
  },
);
