import { eq, sql } from 'drizzle-orm';
import { writeTransaction } from '@/db';
import { sessions } from '@/db/schema';
import { expect, expectAccessible, test, totp } from './fixtures';
import { LoginPage } from './pages/login-page';
import { VerifyPage } from './pages/verify-page';
import { serverEnv } from './support/env';

// Step-up freshness: the suite's server keeps a verified second factor fresh for DESKGATE_STEP_UP_SECONDS
// (10 minutes). Rather than wait that long (or start a server with a window of seconds, which a loaded
// machine overran between the sign-in and the next page), the session's verification is moved back in time.
const freshFor = Number(serverEnv.DESKGATE_STEP_UP_SECONDS);
/** Moves the moment the user's sessions last verified a second factor `seconds` further back. */
const verifiedAgo = (userId: number, seconds: number) =>
  writeTransaction((tx) => tx.update(sessions).set({ secondFactorAt: sql`${sessions.secondFactorAt} - ${seconds * 1000}` }).where(eq(sessions.userId, userId)));

test('step-up asks for a code once the second factor is no longer fresh, and accepts one', async ({ page, org }) => {
  const user = await org.userWith2fa();
  await page.goto('/login');
  await new LoginPage(page).submitPassword(user.email, user.password);
  const step = Math.floor(Date.now() / 30_000);
  await new VerifyPage(page).submitCode(totp(user.secret, step));
  await expect(page).toHaveURL(/\/$/);

  // A minute inside the window: the password is enough.
  await verifiedAgo(user.id, freshFor - 60);
  await page.goto('/profile/2fa?action=regenerate');
  await expect(page.getByLabel('Password')).toBeVisible();
  await expect(page.getByLabel('Authentication code')).toHaveCount(0);
  // Past it: a code too.
  await verifiedAgo(user.id, 120);
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
