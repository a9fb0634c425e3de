import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, TestOrg, test } from '../fixtures';
import { expireResetLinks } from '../support/db';
import { linksIn, waitForMail } from '../support/mailbox';

const dir = path.join(process.cwd(), 'docs', 'screenshots');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });

test('forgotten password', async ({ page }) => {
  const org = await TestOrg.create('optional');
  const user = await org.user({ name: 'Fran Forgetful' });
  await page.goto('/login');
  await shot(page, 'sign-in');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page.getByRole('heading', { name: 'Forgot your password?' })).toBeVisible();
  await shot(page, 'forgot-password');
  await page.getByLabel('Email').fill(user.email);
  await page.getByRole('button', { name: 'Send a link' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'we have sent a link' })).toBeVisible();
  await shot(page, 'forgot-password-sent');
  const link = linksIn(await waitForMail(user.email, 'password_reset')).find((l) => l.includes('/login/reset-password'))!;
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await shot(page, 'reset-password');
  await expireResetLinks(user.id);
  await page.reload();
  await expect(page.getByText('This link has expired or was already used.')).toBeVisible();
  await shot(page, 'reset-password-expired');
});
