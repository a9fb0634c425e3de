// Store-independent (pure functions): the PostgreSQL unit run skips it (package.json test:unit:pg).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCompactDateTime, formatDateTime } from './utc-times';

const moment = Date.UTC(2026, 11, 3, 15, 24, 59);

test('times are written in UTC, as each language writes them; English exactly as before', () => {
  assert.equal(formatDateTime(moment, 'en'), '3 December 2026 at 15:24 UTC');
  assert.equal(formatDateTime(moment, 'de'), '3. Dezember 2026 um 15:24 UTC');
  assert.equal(formatCompactDateTime(moment, 'en'), '2026-12-03 15:24 UTC');
  assert.equal(formatCompactDateTime(moment, 'de'), '03.12.2026, 15:24 UTC');
});
