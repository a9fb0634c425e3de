import { expect, test } from './fixtures';
import { LoginPage } from './pages/login-page';
import { startExtraServer, type ExtraServer } from './support/server';

// A server with lifetimes lowered by environment: 5 s idle, 12 s absolute.
let server: ExtraServer;
test.beforeAll(async ({}, workerInfo) => {
  server = await startExtraServer(3300 + workerInfo.workerIndex, { DESKGATE_SESSION_IDLE_SECONDS: '5', DESKGATE_SESSION_MAX_SECONDS: '12' });
});
test.afterAll(async () => server?.stop());

test('a session ends after the idle limit', { tag: '@once' }, async ({ page, org }) => {
  const user = await org.user();
  await page.goto(`${server.baseURL}/login`);
  await new LoginPage(page).submitPassword(user.email, user.password);
  await expect(page).toHaveURL(`${server.baseURL}/`);
  await page.waitForTimeout(6_000);
  await page.goto(`${server.baseURL}/`);
  await expect(page).toHaveURL(/\/login/);
});

test('a session ends at its absolute lifetime even while in use', { tag: '@once' }, async ({ page, org }) => {
  const user = await org.user();
  await page.goto(`${server.baseURL}/login`);
  await new LoginPage(page).submitPassword(user.email, user.password);
  await expect(page).toHaveURL(`${server.baseURL}/`);
  const signedInAt = Date.now();
  // Active every half second (plus a page load, slow on a loaded machine): never idle for 5 s, and
  // alive well past the idle limit...
  while (Date.now() - signedInAt < 8_000) {
    await page.waitForTimeout(500);
    await page.goto(`${server.baseURL}/`);
    await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  }
  // ...yet the 12 s lifetime still ends it.
  while (Date.now() - signedInAt < 13_000) {
    await page.waitForTimeout(500);
    await page.goto(`${server.baseURL}/`);
  }
  await expect(page).toHaveURL(/\/login/);
});
