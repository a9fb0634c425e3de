import { expect, test } from './fixtures';
import { LoginPage } from './pages/login-page';
import { startExtraServer, type ExtraServer } from './support/server';

// A server with lifetimes lowered by environment: 3 s idle, 8 s absolute.
let server: ExtraServer;
test.beforeAll(async ({}, workerInfo) => {
  server = await startExtraServer(3300 + workerInfo.workerIndex, { DESKGATE_SESSION_IDLE_SECONDS: '3', DESKGATE_SESSION_MAX_SECONDS: '8' });
});
test.afterAll(async () => server?.stop());

test('a session ends after the idle limit', async ({ page, org }) => {
  const user = await org.user();
  await page.goto(`${server.baseURL}/login`);
  await new LoginPage(page).submitPassword(user.email, user.password);
  await expect(page).toHaveURL(`${server.baseURL}/`);
  await page.waitForTimeout(4_000);
  await page.goto(`${server.baseURL}/`);
  await expect(page).toHaveURL(/\/login/);
});

test('a session ends at its absolute lifetime even while in use', async ({ page, org }) => {
  const user = await org.user();
  await page.goto(`${server.baseURL}/login`);
  await new LoginPage(page).submitPassword(user.email, user.password);
  await expect(page).toHaveURL(`${server.baseURL}/`);
  // Active every 2 s: never idle for 3 s, yet the 8 s lifetime still ends it.
  for (let i = 0; i < 3; i++) {
    await page.waitForTimeout(2_000);
    await page.goto(`${server.baseURL}/`);
    await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  }
  await page.waitForTimeout(3_000);
  await page.goto(`${server.baseURL}/`);
  await expect(page).toHaveURL(/\/login/);
});
