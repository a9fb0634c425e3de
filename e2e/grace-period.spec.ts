import { and, eq } from 'drizzle-orm';
import { db } from '@/db';
import { auditEvents, organizations } from '@/db/schema';
import { setGraceDays } from '@/lib/accounts/grace-setting';
import { expect, expectAccessible, TestOrg, test } from './fixtures';
import { ageGraceStart, liveSessions, userRow } from './support/db';
import { signInDirectly } from './support/sessions';
import { submit } from './support/submit';
import type { Page } from '@playwright/test';

// The grace period for required 2FA (#17). The clock is moved by moving the user's clock start
// (`ageGraceStart`) back in the database, not the server's clock.
const DAY = 86_400_000;
const operator = { kind: 'operator' } as const;
const utc = (ms: number, dateStyle: 'long' | 'medium') => new Intl.DateTimeFormat('en-GB', { dateStyle, timeZone: 'UTC' }).format(ms);
const banner = (page: Page) => page.getByRole('region', { name: 'Two-factor authentication reminder' });

async function requiredOrgWithGrace(days: number) {
  const org = await TestOrg.create('required');
  await setGraceDays(org.id, days, operator);
  return org;
}

async function auditDetails(where: { userId?: number; orgId?: number }, action: string) {
  const rows = await (await db())
    .select({ detail: auditEvents.detail })
    .from(auditEvents)
    .where(and(eq(auditEvents.action, action), where.userId ? eq(auditEvents.targetUserId, where.userId) : eq(auditEvents.orgId, where.orgId!)));
  return rows.map((r) => JSON.parse(r.detail ?? 'null') as Record<string, unknown>);
}

// Server rules behind the sign-in and forced-setup pages whose JS-off path two-step-sign-in.spec.ts walks (@once).
test('a required organization with 3 days: sign-in lands with a banner on every page; past the deadline, forced setup', { tag: '@once' }, async ({ page, loginPage }) => {
  const org = await requiredOrgWithGrace(3);
  const user = await org.user();
  await loginPage.signIn(user);

  const started = (await userRow(user.id)).twoFactorGraceStartedAt;
  expect(started, 'the first sign-in started the clock').not.toBeNull();
  const deadline = started! + 3 * DAY;
  await expect(banner(page)).toContainText(`Your organization requires two-factor authentication. Set it up by ${utc(deadline, 'long')}.`);
  await expect(banner(page).locator('time')).toHaveAttribute('datetime', new Date(deadline).toISOString());
  await expectAccessible(page);
  expect(await auditDetails({ userId: user.id }, 'two_factor.grace_started')).toEqual([{ days: 3, deadline: new Date(deadline).toISOString() }]);

  // The banner's link leads to the 2FA tab, which has the banner too.
  await banner(page).getByRole('link', { name: 'Set up two-factor authentication' }).click();
  await expect(page).toHaveURL(/\/profile\/2fa$/);
  await expect(page.getByRole('heading', { name: 'Two-factor authentication is off' })).toBeVisible();
  await expect(banner(page)).toBeVisible();

  // Four days later (the clock start moved back, not the server's clock): the session has ended ...
  await ageGraceStart(user.id, 4);
  await page.goto('/profile/2fa');
  await expect(page).toHaveURL(/\/login\?callbackUrl=/);
  expect(await liveSessions(user.id)).toBe(0);
  // ... and the next sign-in is the forced setup, as without a grace period.
  await loginPage.goto();
  await loginPage.submitPassword(user.email, user.password);
  await expect(page).toHaveURL(/\/login\/setup-2fa$/);
  expect(await liveSessions(user.id)).toBe(0);
  expect(await auditDetails({ userId: user.id }, 'two_factor.grace_started'), 'the clock started once').toHaveLength(1);
});

// A server rule behind the forced setup whose JS-off path two-step-sign-in.spec.ts walks (@once).
test('without a grace period nothing changes: the forced setup at once, no clock, no banner', { tag: '@once' }, async ({ page, loginPage }) => {
  const org = await TestOrg.create('required');
  const user = await org.user();
  await loginPage.goto();
  await loginPage.submitPassword(user.email, user.password);
  await expect(page).toHaveURL(/\/login\/setup-2fa$/);
  expect((await userRow(user.id)).twoFactorGraceStartedAt).toBeNull();
  expect(await liveSessions(user.id)).toBe(0);
});

// Server-rendered table cells: the same HTML with JavaScript or without (@once).
test('the users table shows each deadline while in grace, and Overdue once it passed', { tag: '@once' }, async ({ page, loginPage }) => {
  const org = await requiredOrgWithGrace(3);
  const admin = await org.userWith2fa({ role: 'admin' });
  const inGrace = await org.user({ name: 'Grace Ingrace' });
  const overdue = await org.user({ name: 'Otto Overdue' });
  const waiting = await org.user({ name: 'Wanda Waiting' });
  for (const user of [inGrace, overdue]) {
    await loginPage.signIn(user);
    await page.context().clearCookies();
  }
  await ageGraceStart(overdue.id, 4);
  await signInDirectly(page.context(), admin.id, 'password');
  await page.goto('/admin/users');
  const deadline = (await userRow(inGrace.id)).twoFactorGraceStartedAt! + 3 * DAY;
  const row = (name: string) => page.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) });
  await expect(row(inGrace.name)).toContainText(`Not set up — due ${utc(deadline, 'medium')}`);
  await expect(row(inGrace.name).locator('time')).toHaveAttribute('datetime', new Date(deadline).toISOString());
  await expect(row(overdue.name)).toContainText('Overdue');
  await expect(row(waiting.name)).toContainText('Grace period starts at their next sign-in');
  await expect(row(admin.name)).not.toContainText('due');
  await expect(banner(page), 'the admin has 2FA: no banner').toHaveCount(0);
  await expectAccessible(page);
});

test('/admin/settings: the grace period is saved and audited; bad input says so and changes nothing', async ({ page }) => {
  const org = await TestOrg.create('required');
  const admin = await org.userWith2fa({ role: 'admin' });
  // A second factor verified just now: the step-up for more days asks for the password only.
  await signInDirectly(page.context(), admin.id, 'password', { secondFactor: true });
  await page.goto('/admin/settings');
  const field = page.getByLabel('Grace period (days, 0–30)');
  await expect(field).toHaveValue('0');
  const save = page.getByRole('button', { name: 'Save grace period' });

  for (const bad of ['31', 'soon', '-1']) {
    await field.fill(bad);
    await submit(page, save);
    await expect(page.getByText('Enter a whole number of days from 0 to 30.')).toBeVisible();
    await expect(field).toHaveAttribute('aria-invalid', 'true');
  }
  await expectAccessible(page);
  const stored = async () => (await (await db()).select({ days: organizations.twoFactorGraceDays }).from(organizations).where(eq(organizations.id, org.id)))[0]!.days;
  expect(await stored()).toBe(0);
  expect(await auditDetails({ orgId: org.id }, 'org.two_factor_grace_changed')).toEqual([]);

  await field.fill('3');
  await submit(page, save);
  // More days let people sign in without 2FA for longer: the admin confirms it's them first.
  const confirm = page.locator('#grace-password');
  await expect(confirm).toBeVisible();
  expect(await stored()).toBe(0);
  await expectAccessible(page);
  await expect(field).toHaveValue('3');
  await confirm.fill(admin.password);
  await submit(page, save);
  await expect(page.getByText(/Saved\. Users who must have 2FA may sign in without it for 3 days/)).toBeVisible();
  await expectAccessible(page);
  expect(await stored()).toBe(3);
  expect(await auditDetails({ orgId: org.id }, 'org.two_factor_grace_changed')).toEqual([{ from: 0, to: 3 }]);
  await page.reload();
  await expect(page.getByLabel('Grace period (days, 0–30)')).toHaveValue('3');
});
