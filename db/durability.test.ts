import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '@/db';

test('a database file commits durably: WAL with synchronous = FULL, so an OS crash cannot undo an acknowledged commit', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'deskgate-unit-durable-'));
  try {
    const sqlite = openDatabase(path.join(dir, 'deskgate.db')).$client;
    assert.equal(sqlite.pragma('journal_mode', { simple: true }), 'wal');
    // 2 is FULL: the WAL is fsynced at every commit (NORMAL, 1, syncs only at checkpoints).
    assert.equal(sqlite.pragma('synchronous', { simple: true }), 2);
    sqlite.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
