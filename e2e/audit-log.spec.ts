import { readFileSync } from 'node:fs';
import { writeTransaction } from '@/db';
import { auditEvents } from '@/db/schema';
import { expect, expectAccessible, TestOrg, test, totp } from './fixtures';
import { LoginPage } from './pages/login-page';
import { VerifyPage } from './pages/verify-page';
import { secretsUsed } from './support/secrets-log';
import { signInDirectly } from './support/sessions';

const noJs = () => test.info().project.use.javaScriptEnabled === false;

// Server-rendered sentences: the same HTML with JavaScript or without (@once).
test('real flows read as sentences, with time, actor, user, address and the raw detail one click away', { tag: '@once' }, async ({ page, browser }) => {
  const org = await TestOrg.create('optional');
  const admin = await org.userWith2fa({ role: 'admin', name: 'Ada Admin' });
  const max = await org.userWith2fa({ name: 'Max Member' });

  // Max signs in with a recovery code, in a browser of their own.
  const maxContext = await browser.newContext();
  const maxPage = await maxContext.newPage();
  const login = new LoginPage(maxPage);
  await login.goto();
  await login.submitPassword(max.email, max.password);
  await new VerifyPage(maxPage).submitRecoveryCode(max.recoveryCodes[0]!);
  await expect(maxPage).toHaveURL(/\/profile\/2fa\?recovered=1$/);
  await maxContext.close();

  // Ada resets Max's 2FA, as the users table offers it.
  await signInDirectly(page.context(), admin.id, 'password');
  await page.goto('/admin/users');
  await page.getByRole('link', { name: 'Reset 2FA of Max Member' }).click();
  const confirm = noJs() ? page.locator('main') : page.getByRole('dialog', { name: 'Reset 2FA of Max Member?' });
  await confirm.getByLabel(/Reason/).fill('lost phone');
  await confirm.getByLabel('Your password').fill(admin.password);
  await confirm.getByLabel('Authentication code').fill(totp(admin.secret));
  await confirm.getByRole('button', { name: 'Reset 2FA' }).click();
  await expect(page.getByText('2FA of Max Member was reset')).toBeVisible();

  await page.setViewportSize({ width: 1200, height: 900 });
  await page.goto('/admin/audit');
  const reset = page.getByRole('row', { name: /Ada Admin reset 2FA for Max Member — reason: “lost phone”/ });
  const recovered = page.getByRole('row', { name: /Max Member signed in with a recovery code — 9 left/ });
  await expect(reset).toBeVisible();
  await expect(recovered).toBeVisible();
  await expect(reset.getByRole('cell').nth(1)).toHaveText('Ada Admin');
  await expect(reset.getByRole('cell').nth(2)).toHaveText('Max Member');
  await expect(reset.getByRole('cell').last()).toHaveText(/^[0-9a-f.:]+$/i);
  await expect(reset.locator('time')).toHaveAttribute('datetime', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  await expectAccessible(page);

  // The raw detail, one click away (a native disclosure: the same without JavaScript).
  const detail = reset.locator('details');
  await expect(detail.getByText('2fa.reset')).toBeHidden();
  await detail.getByText('Details').click();
  await expect(detail.getByText('2fa.reset')).toBeVisible();
  await expect(detail.locator('pre')).toContainText('"reason": "lost phone"');
  await recovered.locator('details').getByText('Details').click();
  await expect(recovered.locator('pre')).toContainText('"codesLeft": 9');
  // Opened, the details wrap in their cell: the address column stays on screen at 1200 px.
  const address = await reset.getByRole('cell').last().boundingBox();
  expect(address!.x + address!.width).toBeLessThanOrEqual(1200);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1200);
  await expectAccessible(page);

  // No password, TOTP secret, code or recovery code any test used ever reaches the page.
  const html = await page.content();
  const leaked = secretsUsed().filter((secret) => html.includes(secret));
  expect(leaked).toEqual([]);
  expect(html).not.toContain(max.recoveryCodes[0]!);
});

const DAY = 24 * 60 * 60 * 1000;
const MARCH = Date.UTC(2025, 2, 1);

test('filters by user, type and dates, pages older and newer, and says what is wrong with a filter', async ({ page }) => {
  const org = await TestOrg.create('optional');
  const admin = await org.user({ role: 'admin', name: 'Ada Admin' });
  const max = await org.user({ name: 'Max Member' });
  const hostile = await org.user({ name: '<img src=x onerror="document.title=\'pwned\'">' });
  // 60 resets of Max over March 1–5 (2025), hostile sign-ins on March 2, and older events before.
  await writeTransaction((tx) =>
    tx.insert(auditEvents).values([
      ...Array.from({ length: 60 }, (_, i) => ({ orgId: org.id, actorKind: 'user' as const, actorUserId: admin.id, targetUserId: max.id, action: '2fa.reset', detail: JSON.stringify({ reason: `ticket ${i}` }), ip: '198.51.100.9', createdAt: MARCH + Math.floor((i * 5 * DAY) / 60) })),
      ...Array.from({ length: 5 }, (_, i) => ({ orgId: org.id, actorKind: 'user' as const, actorUserId: hostile.id, targetUserId: hostile.id, action: 'sign_in', detail: JSON.stringify({ method: 'password', secondFactor: 'none' }), ip: '203.0.113.5', createdAt: MARCH + DAY + i })),
      ...Array.from({ length: 5 }, (_, i) => ({ orgId: org.id, actorKind: 'user' as const, actorUserId: admin.id, targetUserId: max.id, action: '2fa.reset', detail: null, ip: null, createdAt: MARCH - 10 * DAY + i })),
    ]),
  );
  await signInDirectly(page.context(), admin.id, 'password');
  await page.goto('/admin/audit');

  // The GET form, JavaScript or not: the filters land in the URL.
  await page.getByLabel('User (name or email starts with)').fill('max');
  await page.getByLabel('Event type').selectOption({ label: '2FA reset' });
  await page.getByLabel('From (UTC)').fill('2025-03-01');
  await page.getByLabel('To (UTC, included)').fill('2025-03-05');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/user=max&type=2fa\.reset&from=2025-03-01&to=2025-03-05/);
  const rows = page.getByRole('region', { name: 'Audit events' }).getByRole('row');
  await expect(rows).toHaveCount(51);
  await expect(rows.nth(1)).toContainText('Ada Admin reset 2FA for Max Member — reason: “ticket 59”');
  await expect(page.getByRole('link', { name: 'Newer events' })).toHaveCount(0);
  await expectAccessible(page);

  await page.getByRole('link', { name: 'Older events' }).click();
  await expect(page).toHaveURL(/type=2fa\.reset.*before=\d+/);
  await expect(rows).toHaveCount(11);
  await expect(rows.last()).toContainText('ticket 0');
  await expect(page.getByRole('link', { name: 'Older events' })).toHaveCount(0);
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Newer events' }).click();
  await expect(rows).toHaveCount(51);
  await expect(rows.nth(1)).toContainText('ticket 59');

  // The type alone reaches back before March; the dates alone include the other sign-ins.
  await page.goto('/admin/audit?type=2fa.reset&user=max&to=2025-02-28');
  await expect(rows).toHaveCount(6);
  await page.goto('/admin/audit?from=2025-03-02&to=2025-03-02&type=sign_in');
  await expect(rows).toHaveCount(6);

  // A name is data: shown as the text it is, never markup.
  await expect(rows.nth(1)).toContainText('<img src=x onerror="document.title=\'pwned\'"> signed in with a password');
  await expect(page.locator('main img')).toHaveCount(0);
  await expect(page).not.toHaveTitle('pwned');

  // Wrong filters: a message per field, tied to it; no events, and never an error page.
  const response = await page.goto('/admin/audit?from=2025-02-31&to=2025-01-01&type=bogus.type&user=');
  expect(response!.status()).toBe(200);
  const alert = page.locator('main').getByRole('alert');
  await expect(alert).toContainText('Enter the “From” date as a date');
  await expect(alert).toContainText('Choose an event type from the list.');
  await expect(page.getByLabel('Event type')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('region', { name: 'Audit events' })).toHaveCount(0);
  await expectAccessible(page);
  await page.goto('/admin/audit?from=2025-03-05&to=2025-03-01');
  await expect(page.locator('main').getByRole('alert')).toContainText('The “To” date is before the “From” date.');
  await page.goto('/admin/audit?user=nobody-here');
  await expect(page.getByText('No user’s name or email starts with “nobody-here”.')).toBeVisible();
  await expectAccessible(page);
  // A hand-edited cursor pages from the start.
  await page.goto('/admin/audit?before=abc&after=-1');
  await expect(rows.first()).toBeVisible();
});

// A plain link and a server route: its JS-off pass would add nothing (@once); the filter test above
// walks /admin/audit and its GET form with JavaScript off.
test('"Download CSV" exports the log as filtered, streamed in batches, formula cells neutralised, and is audited', { tag: '@once' }, async ({ page }) => {
  const org = await TestOrg.create('optional');
  const admin = await org.user({ role: 'admin', name: 'Ada Admin' });
  const eve = await org.user({ name: '=HYPERLINK("http://evil.example","x")' });
  // 2,500 resets of Eve (more than two of the export's batches of 1,000), and sign-ins it must leave out.
  await writeTransaction(async (tx) => {
    for (let start = 0; start < 2500; start += 500) {
      await tx.insert(auditEvents).values(Array.from({ length: 500 }, (_, k) => ({ orgId: org.id, actorKind: 'user' as const, actorUserId: admin.id, targetUserId: eve.id, action: '2fa.reset', detail: JSON.stringify({ reason: `+${start + k}` }), ip: '198.51.100.9', createdAt: MARCH + start + k })));
    }
    await tx.insert(auditEvents).values(Array.from({ length: 10 }, (_, k) => ({ orgId: org.id, actorKind: 'user' as const, actorUserId: eve.id, targetUserId: eve.id, action: 'sign_in', detail: null, ip: null, createdAt: MARCH + k })));
  });
  await signInDirectly(page.context(), admin.id, 'password');
  await page.goto('/admin/audit?type=2fa.reset&from=2025-03-01');
  const link = page.getByRole('link', { name: 'Download CSV (as filtered)' });
  await expect(link).toHaveAttribute('href', '/admin/audit/export.csv?type=2fa.reset&from=2025-03-01');
  await expectAccessible(page);
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toMatch(new RegExp(`^audit-${org.slug}-\\d{4}-\\d\\d-\\d\\d\\.csv$`));
  const csv = readFileSync((await download.path())!, 'utf8');
  const lines = csv.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
  expect(lines[0]).toBe('time_utc,event,type,actor,target,address,detail');
  expect(lines).toHaveLength(2501);
  expect(lines.slice(1).every((l) => l.includes(',2fa.reset,'))).toBe(true);
  // Newest first; the target cell starts with "=" and is neutralised; the sentence is quoted as RFC 4180 has it.
  expect(lines[1]).toBe(`2025-03-01T00:00:02.499Z,"Ada Admin reset 2FA for =HYPERLINK(""http://evil.example"",""x"") — reason: “+2499”",2fa.reset,Ada Admin,"'=HYPERLINK(""http://evil.example"",""x"")",198.51.100.9,"{""reason"":""+2499""}"`);

  // The export is itself in the log.
  await page.goto('/admin/audit?type=audit.exported');
  await expect(page.getByRole('row', { name: /Ada Admin exported the audit log/ })).toBeVisible();
});
