import { eq } from 'drizzle-orm';
import type { Page } from '@playwright/test';
import { writeTransaction } from '@/db';
import { users } from '@/db/schema';
import { setGraceDays } from '@/lib/accounts/grace-setting';
import { formatDeadline } from '@/lib/auth/policy';
import { expect, expectAccessible, test } from './fixtures';
import { auditActions, liveSessions, userRow } from './support/db';
import { signInDirectly } from './support/sessions';
import { submit } from './support/submit';

const DAY = 86_400_000;
const adoption = (page: Page) => page.getByTestId('adoption-counts');
const bulkForm = (page: Page) => page.getByRole('form', { name: 'Require 2FA for the selected users' });
const startGrace = (userId: number, at: number) => writeTransaction((tx) => tx.update(users).set({ twoFactorGraceStartedAt: at }).where(eq(users.id, userId)));

// Links to the filtered table: the same request with JavaScript or without (@once).
test('adoption counts link to the filtered users table, which shows as many rows; the policy page shows them too', { tag: '@once' }, async ({ page, org }) => {
  const admin = await org.user({ role: 'admin', name: 'Ada Admin' });
  await org.userWith2fa({ name: 'Eve Enrolled' });
  await org.userWith2fa({ name: 'Eli Enrolled' });
  const soon = await org.user({ name: 'Rae Required' });
  const late = await org.user({ name: 'Rob Required' });
  const fresh = await org.user({ name: 'Ria Required' });
  for (const u of [soon, late, fresh]) await org.requireTwoFactor(u);
  await org.user({ name: 'Pat Plain' });
  await org.user({ method: 'sso', name: 'Sol Sso' });
  // Grace: Rae is inside it (4 of 7 days left), Rob is past it, Ria's clock has not started.
  await setGraceDays(org.id, 7, { kind: 'operator' });
  const started = Date.now() - 3 * DAY;
  await startGrace(soon.id, started);
  await startGrace(late.id, Date.now() - 30 * DAY);
  await signInDirectly(page.context(), admin.id, 'password');

  await page.goto('/admin/users');
  const expected = [
    ['2 password users with 2FA', 'enabled'],
    ['2 password users without 2FA', 'not_set_up'], // Pat and the admin
    ['3 password users required to use 2FA who have not set it up', 'required'],
    ['1 SSO user whose 2FA the identity provider manages', 'sso'],
  ] as const;
  for (const [name] of expected) await expect(adoption(page).getByRole('link', { name, exact: true })).toBeVisible();
  await expect(adoption(page)).toContainText(`1 in their grace period, the nearest deadline ${formatDeadline(started + 7 * DAY, 'medium')}; 1 overdue; 1 whose grace period starts at their next sign-in.`);
  await expectAccessible(page);

  for (const [name, state] of expected) {
    await page.goto('/admin/users');
    await adoption(page).getByRole('link', { name, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/admin/users\\?state=${state}$`));
    // The count opens the sentence; the table's body has that many rows (one more: its header row).
    await expect(page.getByRole('region', { name: 'Users table' }).getByRole('row')).toHaveCount(Number(name.split(' ')[0]) + 1);
    await expect(page.getByLabel('2FA', { exact: true })).toHaveValue(state);
  }

  await page.goto('/admin/settings');
  await expect(page.getByRole('heading', { name: '2FA adoption' })).toBeVisible();
  for (const [name] of expected) await expect(adoption(page).getByRole('link', { name, exact: true })).toBeVisible();
  await expectAccessible(page);
  await adoption(page).getByRole('link', { name: expected[3][0], exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/users\?state=sso$/);
});

test('bulk require with step-up signs out exactly the selected users who must now set up', async ({ page, browser, org }) => {
  const admin = await org.user({ role: 'admin', name: 'Ada Admin' });
  const plain = await org.user({ name: 'Mia Member' });
  const enrolled = await org.userWith2fa({ name: 'Eve Enrolled' });
  const untouched = await org.user({ name: 'Ned Notselected' });
  const sso = await org.user({ method: 'sso', name: 'Sol Sso' });
  const already = await org.user({ name: 'Rae Required' });
  await org.requireTwoFactor(already);
  const others = await browser.newContext();
  for (const u of [plain, enrolled, untouched, already]) await signInDirectly(others, u.id, 'password');
  await signInDirectly(others, sso.id, 'sso');
  await signInDirectly(page.context(), admin.id, 'password');
  const selected = [plain, enrolled, sso, already];
  const flags = async () => Promise.all([plain, enrolled, untouched, sso, already].map(async (u) => (await userRow(u.id)).twoFactorRequired));
  const before = await flags();

  await page.goto('/admin/users');
  await expect(page.getByRole('checkbox', { name: 'Select Ada Admin' }), 'no box on the admin’s own row').toHaveCount(0);
  // Nothing ticked: a clear message, nothing changed.
  await bulkForm(page).getByLabel('Your password').fill(admin.password);
  await submit(page, bulkForm(page).getByRole('button', { name: 'Require 2FA for selected' }));
  await expect(bulkForm(page).getByText('Select at least one user in the table.')).toBeVisible();
  await expectAccessible(page);

  // Ticked, but no password: the step-up is asked for, nothing changed.
  for (const u of selected) await page.getByRole('checkbox', { name: `Select ${u.name}` }).check();
  await submit(page, bulkForm(page).getByRole('button', { name: 'Require 2FA for selected' }));
  await expect(bulkForm(page).getByText('Enter your password.')).toBeVisible();
  await expect(bulkForm(page).getByLabel('Your password')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page);
  expect(await flags()).toEqual(before);
  expect(await liveSessions(plain.id)).toBe(1);

  // The form was answered (and emptied): tick again, confirm.
  for (const u of selected) await page.getByRole('checkbox', { name: `Select ${u.name}` }).check();
  await bulkForm(page).getByLabel('Your password').fill(admin.password);
  await submit(page, bulkForm(page).getByRole('button', { name: 'Require 2FA for selected' }));
  const outcome = bulkForm(page).getByRole('status');
  await expect(outcome).toContainText('2FA is now required for 2 users: Mia Member and Eve Enrolled.');
  await expect(outcome).toContainText('Signed out, they set up 2FA at their next sign-in: Mia Member.');
  await expect(outcome).toContainText('Skipped 1 user already required to use 2FA.');
  await expect(outcome).toContainText('Skipped 1 SSO user: their identity provider handles their 2FA.');
  await expectAccessible(page);

  expect(await flags()).toEqual([true, true, false, false, true]);
  // Only Mia must set 2FA up now; Eve has it, Ned was not selected, Sol and Rae were skipped.
  expect(await liveSessions(plain.id)).toBe(0);
  expect(await liveSessions(enrolled.id)).toBe(1);
  expect(await liveSessions(untouched.id)).toBe(1);
  expect(await liveSessions(sso.id)).toBe(1);
  expect(await liveSessions(already.id)).toBe(1);
  expect(await liveSessions(admin.id)).toBe(1);
  expect(await auditActions(plain.id)).toContain('user.2fa_required');
  expect(await auditActions(enrolled.id)).toContain('user.2fa_required');
  expect(await auditActions(sso.id)).not.toContain('user.2fa_required');

  // The table and the counts show the change (with JavaScript: the action refreshed the page).
  await expect(page.getByRole('row', { name: /Mia Member/ })).toContainText('Required, not set up');
  await expect(adoption(page).getByRole('link', { name: '2 password users required to use 2FA who have not set it up', exact: true })).toBeVisible();
  await others.close();
});
