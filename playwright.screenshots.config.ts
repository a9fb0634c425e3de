import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// `npm run screenshots`: every screen into docs/screenshots/, with the same server set-up as the tests.
export default defineConfig({
  ...base,
  testDir: 'e2e/screenshots',
  testMatch: /\.shots\.ts$/,
  globalTeardown: undefined,
  workers: 1,
  projects: [{ name: 'screenshots', use: { viewport: { width: 1100, height: 800 } } }],
});
