// Store-independent (pure functions): the PostgreSQL unit run skips it (package.json test:unit:pg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deviceLabel } from './user-agent';

test('a browser and its system read as "Browser major on OS"', () => {
  assert.equal(deviceLabel('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.85 Safari/537.36'), 'Chrome 131 on Linux');
  assert.equal(deviceLabel('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0'), 'Firefox 133 on Windows');
  assert.equal(deviceLabel('Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1'), 'Mobile Safari 18 on iOS');
});

test('an agent nobody recognises, or none, reads "Unknown browser"', () => {
  assert.equal(deviceLabel(null), 'Unknown browser');
  assert.equal(deviceLabel(''), 'Unknown browser');
  assert.equal(deviceLabel('curl/8.5.0'), 'Unknown browser');
  assert.equal(deviceLabel('x'.repeat(512)), 'Unknown browser');
});
