import type { Locator, Page } from '@playwright/test';
import { expect, test, totp } from './fixtures';
import { signInDirectly } from './support/sessions';

// Keyboard only: no clicks, no fills. Runs with JavaScript (see playwright.config.ts), where focus moves.

async function tabTo(page: Page, target: Locator) {
  for (let i = 0; i < 40; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error('Tab never reached the element');
}

test('the whole enrollment can be done with the keyboard alone, and focus follows each step', async ({ page, org }) => {
  const user = await org.user();
  await signInDirectly(page.context(), user.id, 'password');
  await page.goto('/profile/2fa');

  await tabTo(page, page.getByLabel('Password'));
  await page.keyboard.type(user.password);
  await page.keyboard.press('Enter');
  const heading = page.getByRole('heading', { name: 'Set up two-factor authentication' });
  await expect(heading).toBeFocused();

  const key = (await page.getByTestId('setup-key').innerText()).replace(/\s+/g, '');
  // A wrong code first: focus goes to the field with the error.
  await tabTo(page, page.getByLabel('Authentication code'));
  await page.keyboard.type('000000');
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Authentication code')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Authentication code')).toBeFocused();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(totp(key));
  await page.keyboard.press('Enter');

  await expect(page.getByRole('heading', { name: 'Save your recovery codes' })).toBeFocused();
  await tabTo(page, page.getByLabel('I have saved these codes'));
  await page.keyboard.press('Space');
  await tabTo(page, page.getByRole('button', { name: 'Done' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Two-factor authentication is on' })).toBeVisible();
});

test('sign-in with a code can be done with the keyboard alone', async ({ page, org }) => {
  const user = await org.userWith2fa();
  await page.goto('/login');
  await tabTo(page, page.getByLabel('Email'));
  await page.keyboard.type(user.email);
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Password')).toBeFocused();
  await page.keyboard.type(user.password);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/login\/verify$/);
  await tabTo(page, page.getByLabel('Authentication code'));
  await page.keyboard.type(totp(user.secret));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
});
