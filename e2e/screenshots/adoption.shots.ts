import path from 'node:path';
import type { Page } from '@playwright/test';
import { eq } from 'drizzle-orm';
import { writeTransaction } from '@/db';
import { users } from '@/db/schema';
import { setGraceDays } from '@/lib/accounts/grace-setting';
import { expect, TestOrg, test } from '../fixtures';
import { bulkUsers } from '../support/accounts';
import { signInDirectly } from '../support/sessions';

const dir = path.join(process.cwd(), 'docs', 'screenshots');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });

test('2FA adoption above the users table, two rows ticked for "Require 2FA for selected"', async ({ page }) => {
  const org = await TestOrg.create('optional');
  await setGraceDays(org.id, 14, { kind: 'operator' });
  const admin = await org.user({ role: 'admin', name: 'Ada Admin' });
  await bulkUsers(org, 14);
  for (const name of ['Bea Enrolled', 'Ben Enrolled']) await org.userWith2fa({ name });
  const graceful = await org.user({ name: 'Gus Graceful' });
  await org.requireTwoFactor(graceful);
  await writeTransaction((tx) => tx.update(users).set({ twoFactorGraceStartedAt: Date.now() - 3 * 86_400_000 }).where(eq(users.id, graceful.id)));
  await org.user({ method: 'sso', name: 'Sam SSO' });
  await signInDirectly(page.context(), admin.id, 'password');
  await page.goto('/admin/users');
  await expect(page.getByRole('heading', { name: '2FA adoption' })).toBeVisible();
  for (const box of await page.getByRole('checkbox').all().then((all) => all.slice(1, 3))) await box.check();
  await shot(page, 'admin-users-adoption');
});
