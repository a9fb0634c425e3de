import { test } from 'node:test';
import assert from 'node:assert/strict';
import { database, db } from '@/db';
import { oldestRows } from '@/db/dialect';
import { loginChallenges, sessions, throttleLocks, trustedBrowsers, webauthnChallenges } from '@/db/schema';
import type { SqliteHandle } from '@/db/sqlite';

// SQLite only: its planner takes the index whatever the table holds, where PostgreSQL's reads a
// table of a few rows straight through. The index is the same on both (db/schema).
test('each sweep reads the oldest rows through an index on their time, never the whole table', async () => {
  const { writer } = (await database()) as SqliteHandle;
  const reader = await db();
  const sweeps = {
    sessions_created_idx: oldestRows(reader, sessions, sessions.id, sessions.createdAt, Date.now()),
    login_challenges_expires_idx: oldestRows(reader, loginChallenges, loginChallenges.id, loginChallenges.expiresAt, Date.now()),
    trusted_browsers_expires_idx: oldestRows(reader, trustedBrowsers, trustedBrowsers.id, trustedBrowsers.expiresAt, Date.now()),
    webauthn_challenges_expires_idx: oldestRows(reader, webauthnChallenges, webauthnChallenges.id, webauthnChallenges.expiresAt, Date.now()),
    throttle_locks_until_idx: oldestRows(reader, throttleLocks, throttleLocks.key, throttleLocks.until, Date.now()),
  };
  for (const [index, query] of Object.entries(sweeps)) {
    const { sql, params } = query.toSQL();
    const plan = (writer.prepare(`explain query plan ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
    assert.match(plan, new RegExp(`USING (COVERING )?INDEX ${index} \\(\\w+<\\?\\)`), plan);
    assert.doesNotMatch(plan, /TEMP B-TREE/, `${index}: sorted by the index, not afterwards: ${plan}`);
  }
});
