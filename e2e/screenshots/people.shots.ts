import path from 'node:path';
import type { Page } from '@playwright/test';
import { setUserDeactivated } from '@/lib/accounts/deactivation';
import { expect, TestOrg, test } from '../fixtures';
import { linksIn, waitForMail } from '../support/mailbox';
import { signInDirectly } from '../support/sessions';
import { submit } from '../support/submit';

const dir = path.join(process.cwd(), 'docs', 'screenshots');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });

test('invitations and deactivation', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const org = await TestOrg.create('required');
  const admin = await org.user({ role: 'admin', name: 'Ada Admin' });
  const leaver = await org.user({ name: 'Dana Leaver' });
  await org.user({ name: 'Max Member' });
  await setUserDeactivated(leaver.id, true, { actor: { kind: 'operator' }, orgId: org.id, ip: null });
  await signInDirectly(page.context(), admin.id, 'password');
  await page.goto('/admin/users/new');
  await page.getByLabel('Name').fill('Ivy Invitee');
  const email = `ivy.${org.slug}@invited.example`;
  await page.getByLabel('Email').fill(email);
  await shot(page, 'admin-add-user');
  await page.getByLabel('Your password').fill(admin.password);
  await submit(page, page.getByRole('button', { name: 'Add user' }));
  await expect(page.getByText('Ivy Invitee was invited.')).toBeVisible();
  await shot(page, 'admin-users-statuses');
  const link = linksIn(await waitForMail(email, 'invitation')).find((l) => l.includes('/invitation?token='))!;
  const context = await browser.newContext();
  const invitee = await context.newPage();
  await invitee.goto(link);
  await expect(invitee.getByRole('heading', { name: 'Welcome, Ivy Invitee' })).toBeVisible();
  await shot(invitee, 'invitation');
  await context.close();
});
