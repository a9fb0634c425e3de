import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from '@playwright/test';
import { expect, test, totp } from './fixtures';
import { HomePage } from './pages/home-page';
import { LoginPage } from './pages/login-page';
import { TwoFactorPage } from './pages/two-factor-page';
import { VerifyPage } from './pages/verify-page';
import { e2eDir } from './support/env';
import { rememberSecret } from './support/secrets-log';
import { startExtraServer } from './support/server';

// Backups are SQLite's (PostgreSQL has pg_dump): this flow runs on SQLite files of its own, keys
// beside them, whatever the suite's store.
const noKeysFromEnvironment = { AUTH_SECRET: '', DESKGATE_ENCRYPTION_KEY: '', DESKGATE_CODE_KEY: '', DESKGATE_SECRETS_DIR: '' };
const KEY_FILES = ['auth-secret', 'encryption-key', 'code-key'];
const databaseIn = (folder: string) => path.join(folder, 'deskgate.db');
const installationEnv = (folder: string) => ({ ...noKeysFromEnvironment, DATABASE_URL: `file:${databaseIn(folder)}` });
const step = () => Math.floor(Date.now() / 30_000);

/** `npm run cli -- ARGS` on the installation in `folder`. */
function cli(folder: string, args: string[], input = '') {
  const result = spawnSync(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'lib/cli/main.ts', ...args], {
    env: { ...process.env, ...installationEnv(folder), NODE_OPTIONS: '', DESKGATE_LOG: 'off' },
    encoding: 'utf8',
    input,
    timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr };
}

async function serverOn(folder: string, browser: Browser) {
  const worker = test.info().workerIndex;
  const server = await startExtraServer(3330 + worker, installationEnv(folder), { log: path.join(e2eDir, `extra-server-restore-${worker}.log`) });
  const context = await browser.newContext({ baseURL: server.baseURL, javaScriptEnabled: test.info().project.use.javaScriptEnabled !== false });
  return { server, page: await context.newPage(), close: async () => (await context.close(), await server.stop()) };
}

test('a backup taken while the server runs, restored with its key files into a fresh folder, signs in with password and 2FA', async ({ browser }) => {
  // Two server starts and six command-line runs, on a machine the other specs share.
  test.setTimeout(180_000);
  const original = mkdtempSync(path.join(e2eDir, 'restore-original-'));
  const user = { email: 'ann@restore.example', name: 'Ann', password: `pw-${randomBytes(9).toString('base64url')}` };
  rememberSecret(user.password);
  expect(cli(original, ['org:create', '--slug', 'restore', '--name', 'Restore Inc']).status).toBe(0);
  expect(cli(original, ['user:create', '--org', 'restore', '--email', user.email, '--name', user.name, '--password-stdin'], `${user.password}\n`).status).toBe(0);

  const first = await serverOn(original, browser);
  let secret: string, enrolledAt: number;
  try {
    await new LoginPage(first.page).signIn(user);
    const tab = new TwoFactorPage(first.page);
    await tab.goto();
    secret = await tab.startEnrollment(user.password);
    enrolledAt = step();
    await tab.submitCode(totp(secret, enrolledAt));
    expect(await tab.recoveryCodes()).toHaveLength(10);
    await tab.finish();
    const backup = cli(original, ['db:backup', path.join(original, 'backup.db')]);
    expect(backup.status, backup.stderr).toBe(0);
  } finally {
    await first.close();
  }

  // As the README says: the backup, and the key files beside the database it goes to.
  const fresh = mkdtempSync(path.join(e2eDir, 'restore-fresh-'));
  for (const file of KEY_FILES) copyFileSync(path.join(original, file), path.join(fresh, file));
  const restored = cli(fresh, ['db:restore', path.join(original, 'backup.db')]);
  expect(restored.status, restored.stderr).toBe(0);

  const second = await serverOn(fresh, browser);
  try {
    const login = new LoginPage(second.page);
    await login.goto();
    await login.submitPassword(user.email, user.password);
    // A later step than the enrollment's, which the restored database remembers as used.
    await new VerifyPage(second.page).submitCode(totp(secret, Math.max(step(), enrolledAt + 1)));
    await expect(second.page).toHaveURL(/\/$/);
    await new HomePage(second.page).expectSignedInAs(user.name, 'Restore Inc');
    // The running server has the database open: a restore over it is refused, and it keeps serving.
    const overRunning = cli(fresh, ['db:restore', path.join(original, 'backup.db'), '--force']);
    expect(overRunning.status).toBe(1);
    expect(overRunning.stderr).toMatch(/deskgate\.db is in use \(a running server has it open\): stop the server, then run db:restore again\. Nothing was changed\./);
    await second.page.reload();
    await new HomePage(second.page).expectSignedInAs(user.name, 'Restore Inc');
  } finally {
    await second.close();
  }
});

test('restoring without the key files is refused with a message naming them, and creates nothing', () => {
  const original = mkdtempSync(path.join(e2eDir, 'restore-keys-'));
  expect(cli(original, ['org:create', '--slug', 'keys', '--name', 'Keys']).status).toBe(0);
  expect(cli(original, ['db:backup', path.join(original, 'backup.db')]).status).toBe(0);
  const fresh = mkdtempSync(path.join(e2eDir, 'restore-keyless-'));
  const refused = cli(fresh, ['db:restore', path.join(original, 'backup.db')]);
  expect(refused.status).toBe(1);
  expect(refused.stderr.trim()).toMatch(/^deskgate: \S+backup\.db was made with keys this installation does not have \(DESKGATE_ENCRYPTION_KEY, DESKGATE_CODE_KEY\): copy the key files kept with the backup \(auth-secret, encryption-key, code-key\) into \S+restore-keyless-\w+, or set those variables, then run db:restore again\. Nothing was changed\.$/);
  expect(existsSync(databaseIn(fresh))).toBe(false);
  for (const file of KEY_FILES) expect(existsSync(path.join(fresh, file)), file).toBe(false);
});
