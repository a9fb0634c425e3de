import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, TestOrg, test } from '../fixtures';
import { LoginPage } from '../pages/login-page';
import { addKeyOnTab } from '../support/keys';
import { signInDirectly } from '../support/sessions';
import { VirtualAuthenticator } from '../support/virtual-authenticator';

const dir = path.join(process.cwd(), 'docs', 'screenshots');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });

test('security keys and passkeys', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const org = await TestOrg.create('optional');
  const user = await org.user({ name: 'Kai Keys' });
  await signInDirectly(page.context(), user.id, 'password');
  const platform = await VirtualAuthenticator.attach(page, 'platform');
  await page.goto('/profile/2fa');
  await shot(page, 'keys-tab-empty');
  await page.getByRole('link', { name: 'Add a security key or passkey' }).click();
  await shot(page, 'keys-add');
  await page.goto('/profile/2fa');
  await addKeyOnTab(page, 'Work laptop', user.password);
  await expect(page.getByTestId('recovery-codes')).toBeVisible();
  await shot(page, 'keys-first-key-codes');
  await page.goto('/profile/2fa');
  await shot(page, 'keys-tab-with-key');
  await page.getByRole('link', { name: 'Remove Work laptop' }).click();
  await shot(page, 'keys-remove-step-up');
  await platform.detach();

  const required = await TestOrg.create('required');
  const newcomer = await required.user({ name: 'Nia Newcomer' });
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const p = await context.newPage();
  const login = new LoginPage(p);
  await login.goto();
  await login.submitPassword(newcomer.email, newcomer.password);
  await expect(p).toHaveURL(/setup-2fa/);
  await shot(p, 'setup-choose-key-or-app');
  await context.close();
});
