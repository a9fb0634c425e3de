import { expect, expectAccessible, test, totp } from './fixtures';
import { LoginPage } from './pages/login-page';
import { VerifyPage } from './pages/verify-page';
import { startExtraServer, type ExtraServer } from './support/server';

// Step-up freshness lowered by environment from 10 minutes to 3 seconds.
let server: ExtraServer;
test.beforeAll(async ({}, workerInfo) => {
  server = await startExtraServer(3320 + workerInfo.workerIndex, { DESKGATE_STEP_UP_SECONDS: '3' });
});
test.afterAll(async () => server?.stop());

test('step-up asks for a code once the second factor is no longer fresh, and accepts one', async ({ page, org }) => {
  const user = await org.userWith2fa();
  await page.goto(`${server.baseURL}/login`);
  await new LoginPage(page).submitPassword(user.email, user.password);
  const step = Math.floor(Date.now() / 30_000);
  await new VerifyPage(page).submitCode(totp(user.secret, step));
  await expect(page).toHaveURL(`${server.baseURL}/`);

  await page.goto(`${server.baseURL}/profile/2fa?action=regenerate`);
  await expect(page.getByLabel('Authentication code')).toHaveCount(0);
  await page.waitForTimeout(3_500);
  await page.reload();
  await expect(page.getByLabel('Authentication code')).toBeVisible();

  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Regenerate recovery codes' }).click();
  await expect(page.getByText('Enter the 6-digit code from your authenticator app, or use a recovery code.')).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel('Password').fill(user.password);
  await page.getByLabel('Authentication code').fill(totp(user.secret, step));
  await page.getByRole('button', { name: 'Regenerate recovery codes' }).click();
  await expect(page.getByText("That code didn't work").first()).toBeVisible();

  await page.getByLabel('Password').fill(user.password);
  await page.getByLabel('Authentication code').fill(totp(user.secret, step + 1));
  await page.getByRole('button', { name: 'Regenerate recovery codes' }).click();
  await expect(page.getByTestId('recovery-codes')).toBeVisible();
});
