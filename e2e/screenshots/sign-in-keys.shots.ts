import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, TestOrg, test } from '../fixtures';
import { holdKey, registerKey } from '../support/security-keys';
import { signInDirectly } from '../support/sessions';
import { VirtualAuthenticator } from '../support/virtual-authenticator';

const dir = path.join(process.cwd(), 'docs', 'screenshots');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });

test('signing in with a security key or a passkey', async ({ page, browser }) => {
  const org = await TestOrg.create('optional');
  const admin = await org.userWith2fa({ role: 'admin', name: 'Ada Admin' });
  const member = await org.userWith2fa({ name: 'Kim Keyholder' });
  await registerKey(member, org.id, 'usb');

  // The second step offers the key first, the app and a recovery code beside it; without JavaScript, a sentence.
  for (const [name, javaScriptEnabled] of [['verify-security-key', true], ['verify-security-key-no-js', false]] as const) {
    const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1100, height: 800 } });
    const p = await context.newPage();
    await p.goto('/login');
    await p.getByLabel('Email').fill(member.email);
    await p.getByLabel('Password').fill(member.password);
    await p.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(p).toHaveURL(/verify/);
    await expect(javaScriptEnabled ? p.getByRole('button', { name: 'Use your security key' }) : p.getByText('need JavaScript')).toBeVisible();
    await shot(p, name);
    await context.close();
  }

  // Passkey sign-in refused (here: the key is no passkey of this site), one sentence for every reason.
  const authenticator = await VirtualAuthenticator.attach(page, 'platform');
  await holdKey(authenticator, await registerKey(await org.user({ name: 'Pat Passkey' }), org.id, 'passkey'));
  await page.goto('/login');
  await expect(page.getByRole('button', { name: 'Sign in with a passkey' })).toBeVisible();
  await shot(page, 'sign-in-with-passkey');

  // The organization's settings: the policy, and passkey sign-in.
  await signInDirectly(page.context(), admin.id, 'password');
  await page.goto('/admin/settings');
  await expect(page.getByRole('heading', { name: 'Passkeys' })).toBeVisible();
  await shot(page, 'admin-settings-passkeys');
});
