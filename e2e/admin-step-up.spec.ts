import type { Page } from '@playwright/test';
import { expect, expectAccessible, TestOrg, test, totp } from './fixtures';
import { auditActions, organizationPolicy, userRow } from './support/db';
import { signInDirectly } from './support/sessions';
import { submit } from './support/submit';

// Destructive admin changes ask for the profile's step-up: the admin's password, and a code unless
// this session verified one recently (an admin without 2FA: the password alone). With JavaScript
// the table's one dialog asks; without it, a confirmation page of its own.

const withJs = () => test.info().project.use.javaScriptEnabled !== false;
// Several submissions and accessibility checks each: slow on a shared machine.
test.describe.configure({ timeout: 120_000 });

/** A code from long ago: well-formed, never accepted. */
const staleCode = (secret: string) => totp(secret, Math.floor(Date.now() / 30_000) - 20);

/** Opens a row's change from the users table: the dialog with JavaScript, the page without. */
async function openChange(page: Page, link: string, title: string) {
  await page.goto('/admin/users');
  await page.getByRole('link', { name: link }).click();
  const confirm = withJs() ? page.getByRole('dialog', { name: title }) : page.locator('main');
  await expect(confirm.getByRole('heading', { name: title })).toBeVisible();
  return confirm;
}

test('resetting a user’s 2FA asks for the admin’s password and code; wrong ones change nothing and are audited', async ({ page }) => {
  const org = await TestOrg.create('optional');
  const admin = await org.userWith2fa({ role: 'admin' });
  const victim = await org.userWith2fa({ name: 'Rita Reset' });
  await signInDirectly(page.context(), admin.id, 'password');
  const confirm = await openChange(page, 'Reset 2FA of Rita Reset', 'Reset 2FA of Rita Reset?');
  await expect(confirm.getByLabel('Your password')).toBeVisible();
  await expect(confirm.getByLabel('Authentication code')).toBeVisible();
  await expectAccessible(page);

  await confirm.getByLabel(/Reason/).fill('lost phone');
  await confirm.getByLabel('Your password').fill('not-the-password-1');
  await confirm.getByLabel('Authentication code').fill(totp(admin.secret));
  await submit(page, confirm.getByRole('button', { name: 'Reset 2FA' }));
  await expect(confirm.getByText("That password isn't right.").first()).toBeVisible();
  await expect(confirm.getByLabel(/Reason/), 'the reason is kept').toHaveValue('lost phone');
  await expectAccessible(page);

  await confirm.getByLabel('Your password').fill(admin.password);
  await confirm.getByLabel('Authentication code').fill(staleCode(admin.secret));
  await submit(page, confirm.getByRole('button', { name: 'Reset 2FA' }));
  await expect(confirm.getByText("That code didn't work").first()).toBeVisible();
  expect((await userRow(victim.id)).totpSecret, 'nothing changed').not.toBeNull();
  expect((await auditActions(admin.id)).filter((a) => a === 'step_up.failed')).toHaveLength(2);

  await confirm.getByLabel('Your password').fill(admin.password);
  await confirm.getByLabel('Authentication code').fill(totp(admin.secret));
  await submit(page, confirm.getByRole('button', { name: 'Reset 2FA' }));
  await expect(page.getByText(`2FA of ${victim.name} was reset`)).toBeVisible();
  await expect(page.getByRole('dialog'), 'the dialog closed').toHaveCount(0);
  expect((await userRow(victim.id)).totpSecret).toBeNull();
});

test('stop requiring 2FA for a user: an admin without 2FA confirms with the password alone', async ({ page }) => {
  const org = await TestOrg.create('optional');
  const admin = await org.user({ role: 'admin' });
  const member = await org.user({ name: 'Sam Required' });
  await org.requireTwoFactor(member);
  await signInDirectly(page.context(), admin.id, 'password');
  const confirm = await openChange(page, 'Stop requiring 2FA for Sam Required', 'Stop requiring 2FA for Sam Required?');
  if (!withJs()) await expect(page).toHaveURL(/\/stop-requiring$/);
  await expect(confirm.getByLabel('Authentication code'), 'no code for an admin without 2FA').toHaveCount(0);
  await expectAccessible(page);

  await submit(page, confirm.getByRole('button', { name: 'Stop requiring 2FA' }));
  await expect(confirm.getByText('Enter your password to confirm this change.').first()).toBeVisible();
  await confirm.getByLabel('Your password').fill('not-the-password-1');
  await submit(page, confirm.getByRole('button', { name: 'Stop requiring 2FA' }));
  await expect(confirm.getByText("That password isn't right.").first()).toBeVisible();
  await expectAccessible(page);
  expect((await userRow(member.id)).twoFactorRequired, 'nothing changed').toBe(true);

  await confirm.getByLabel('Your password').fill(admin.password);
  await submit(page, confirm.getByRole('button', { name: 'Stop requiring 2FA' }));
  await expect(page.getByText(`2FA is no longer required for ${member.name}.`)).toBeVisible();
  expect((await userRow(member.id)).twoFactorRequired).toBe(false);
  expect(await auditActions(member.id)).toContain('user.2fa_not_required');
  await expect(page.getByRole('button', { name: 'Require 2FA for Sam Required' })).toBeVisible();
});

test('lowering the policy asks for the step-up (Required to Optional, Optional to Off); raising it does not', async ({ page }) => {
  const org = await TestOrg.create('required');
  const admin = await org.userWith2fa({ role: 'admin' });
  await signInDirectly(page.context(), admin.id, 'password');
  await page.goto('/admin/settings');
  await expect(page.getByLabel('Your password')).toBeVisible();
  await expect(page.getByLabel('Authentication code')).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel('Optional', { exact: true }).check();
  await submit(page, page.getByRole('button', { name: 'Save policy' }));
  await expect(page.getByText('Enter your password to confirm this change.').first()).toBeVisible();
  await expect(page.getByLabel('Optional', { exact: true }), 'the choice is kept').toBeChecked();
  await page.getByLabel('Your password').fill(admin.password);
  await page.getByLabel('Authentication code').fill(staleCode(admin.secret));
  await submit(page, page.getByRole('button', { name: 'Save policy' }));
  await expect(page.getByText("That code didn't work").first()).toBeVisible();
  await expectAccessible(page);
  expect(await organizationPolicy(org.id), 'nothing changed').toBe('required');

  await page.getByLabel('Your password').fill(admin.password);
  await page.getByLabel('Authentication code').fill(totp(admin.secret));
  await submit(page, page.getByRole('button', { name: 'Save policy' }));
  await expect(page.getByText(/Saved\./)).toBeVisible();
  expect(await organizationPolicy(org.id)).toBe('optional');

  // Optional to Off would end every per-user requirement: it asks too.
  await page.getByLabel('Off', { exact: true }).check();
  await submit(page, page.getByRole('button', { name: 'Save policy' }));
  await expect(page.getByText('Enter your password to confirm this change.').first()).toBeVisible();
  expect(await organizationPolicy(org.id), 'nothing changed').toBe('optional');

  // Raising it asks nothing: the fields may stay empty.
  await page.getByLabel('Required', { exact: true }).check();
  await submit(page, page.getByRole('button', { name: 'Save policy' }));
  await expect(page.getByText(/Saved\./)).toBeVisible();
  expect(await organizationPolicy(org.id)).toBe('required');
});
