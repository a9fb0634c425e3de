import { expect, expectAccessible, test, totp } from './fixtures';
import { TwoFactorPage } from './pages/two-factor-page';

test('enable 2FA: password, QR and key, code, recovery codes shown once', async ({ page, org, loginPage }) => {
  const user = await org.user();
  await loginPage.signIn(user);
  const tab = new TwoFactorPage(page);
  await tab.goto();
  await expect(tab.heading('Two-factor authentication is off')).toBeVisible();
  await expectAccessible(page);

  const secret = await tab.startEnrollment(user.password);
  await expect(page.getByRole('img', { name: /QR code/ })).toBeVisible();
  await expectAccessible(page);
  await tab.submitCode(totp(secret));

  const codes = await tab.recoveryCodes();
  expect(codes).toHaveLength(10);
  for (const code of codes) expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  expect(new Set(codes).size).toBe(10);
  await expectAccessible(page);
  const file = await tab.downloadCodes();
  expect(file).toContain(user.email);
  expect(file.match(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/gm)).toEqual(codes);

  await tab.finish();
  await expect(tab.codesLeft()).toHaveText(/^10 of 10/);
  await page.reload();
  await expect(page.getByTestId('recovery-codes')).toHaveCount(0);
  expect(await page.content()).not.toContain(codes[0]!);
  await expectAccessible(page);
});
