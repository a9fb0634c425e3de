import { expect, expectAccessible, test, totp } from './fixtures';
import { VerifyPage } from './pages/verify-page';
import { signInDirectly } from './support/sessions';

// Dark mode and a 375 px phone: every step still passes axe and nothing overflows sideways.
test.use({ colorScheme: 'dark', viewport: { width: 375, height: 740 } });

async function fitsWidth(page: import('@playwright/test').Page) {
  const box = await page.locator('main').boundingBox();
  expect(box!.x + box!.width, `${page.url()} fits 375 px`).toBeLessThanOrEqual(376);
}

test('sign-in, the code step and enrollment at 375 px in dark mode', async ({ page, org, loginPage }) => {
  const user = await org.userWith2fa();
  await loginPage.goto();
  await fitsWidth(page);
  await expectAccessible(page);
  await loginPage.submitPassword(user.email, user.password);
  await new VerifyPage(page).expectShown();
  await fitsWidth(page);
  await expectAccessible(page);
  await new VerifyPage(page).submitCode(totp(user.secret));
  await expect(page).toHaveURL(/\/$/);
  await fitsWidth(page);
  await expectAccessible(page);

  const other = await org.user();
  await page.context().clearCookies();
  await signInDirectly(page.context(), other.id, 'password');
  await page.goto('/profile/2fa');
  await page.getByLabel('Password').fill(other.password);
  await page.getByRole('button', { name: 'Enable 2FA' }).click();
  await expect(page.getByTestId('setup-key')).toBeVisible();
  await fitsWidth(page);
  await expectAccessible(page);
});
