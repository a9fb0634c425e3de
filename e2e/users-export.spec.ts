import { readFileSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { db } from '@/db';
import { auditEvents } from '@/db/schema';
import { expect, expectAccessible, TestOrg, test } from './fixtures';
import { signInDirectly } from './support/sessions';

const HEADER = 'name,email,role,sign_in_method,two_factor,recovery_codes_left,last_sign_in_utc,last_2fa_use_utc';

/** The export events of an organization, with their filters. */
async function exports(orgId: number) {
  const rows = await (await db()).select().from(auditEvents).where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.action, 'users.exported')));
  return rows.map((r) => ({ actor: r.actorUserId, detail: JSON.parse(r.detail ?? '{}') as Record<string, string> }));
}

// A plain link with the table's filters: the same with JavaScript off, so the no-js project skips this spec (sameWithoutJs).
test('"Download CSV" exports the table as filtered, in its order, formula cells neutralised, and is audited', async ({ page }) => {
  const org = await TestOrg.create('optional');
  const admin = await org.userWith2fa({ role: 'admin', name: 'Ada Admin' });
  const eve = await org.user({ name: '=HYPERLINK("http://evil.example","x")' });
  for (const name of ['Bea Member', 'Carl Member', '+41 Dial']) await org.user({ name });
  await org.userWith2fa({ name: 'Max Enabled' });
  await org.user({ name: 'Sam Sso', method: 'sso' });

  await signInDirectly(page.context(), admin.id, 'password', { secondFactor: true });
  await page.goto('/admin/users?state=not_set_up&sort=email&dir=desc&q=');
  const link = page.getByRole('link', { name: 'Download CSV (as filtered)' });
  await expect(link).toHaveAttribute('href', '/admin/users/export.csv?state=not_set_up&sort=email&dir=desc');
  await expectAccessible(page);
  // The filtered table's rows, as the page shows them.
  const rows = page.getByRole('region', { name: 'Users table' }).locator('tbody tr');
  await expect(rows).toHaveCount(4);
  // The email is the cell after the name (the first cell holds the row's checkbox).
  const shown = await rows.evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th')!.textContent!, tr.querySelector('th ~ td')!.textContent!]));

  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toMatch(new RegExp(`^users-${org.slug}-\\d{4}-\\d\\d-\\d\\d\\.csv$`));
  const csv = readFileSync((await download.path())!, 'utf8');
  expect(csv.startsWith('\uFEFF')).toBe(true);
  const lines = csv.slice(1).trimEnd().split('\r\n');
  expect(lines[0]).toBe(HEADER);
  // The same users in the same order (email, Z to A); the formula-looking names prefixed with an apostrophe.
  expect(lines.slice(1).map((l) => l.split(',').at(-7))).toEqual(shown.map(([, email]) => email));
  expect(lines).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")",${eve.email},member,password,not_set_up,,,`);
  expect(lines.find((l) => l.startsWith("'+41 Dial,"))).toBeTruthy();
  expect(lines.join('\n')).not.toContain('Max Enabled');

  // Audited before the rows went out, with the filters, and shown as a sentence.
  expect(await exports(org.id)).toEqual([{ actor: admin.id, detail: { state: 'not_set_up', sort: 'email', dir: 'desc' } }]);
  await page.goto('/admin/audit?type=users.exported');
  await expect(page.getByRole('row', { name: /Ada Admin exported the users list/ })).toBeVisible();
});

test('the whole table without filters; values the page ignores are ignored alike, never a 500', async ({ page }) => {
  const org = await TestOrg.create('optional');
  const admin = await org.user({ role: 'admin', name: 'Ada Admin' });
  const bea = await org.user({ name: 'Bea Member' });
  await signInDirectly(page.context(), admin.id, 'password');
  await page.goto('/admin/users');
  await expect(page.getByRole('link', { name: 'Download CSV', exact: true })).toHaveAttribute('href', '/admin/users/export.csv?sort=name');

  const response = await page.request.get(`/admin/users/export.csv?state=bogus&method=%00&status=x&sort=evil&dir=up&q=${'a'.repeat(500)}&page=last&after=%%%`);
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe('text/csv; charset=utf-8');
  expect(response.headers()['cache-control']).toBe('no-store');
  expect(response.headers()['content-disposition']).toMatch(/^attachment; filename="users-/);
  const lines = (await response.text()).replace(/^\uFEFF/, '').trimEnd().split('\r\n');
  expect(lines).toHaveLength(3);
  expect(lines[0]).toBe(HEADER);
  // Ada's session was made for the test: her last sign-in is now, in UTC ISO 8601.
  expect(lines[1]).toMatch(new RegExp(`^Ada Admin,${admin.email.replaceAll('.', '\\.')},admin,password,not_set_up,,\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z,$`));
  expect(lines[2]).toBe(`Bea Member,${bea.email},member,password,not_set_up,,,`);
  expect(await exports(org.id)).toEqual([{ actor: admin.id, detail: { sort: 'name', dir: 'asc' } }]);
  // Another site's link, with the admin's cookies (a top-level GET carries them): refused, nothing audited.
  const crossSite = await page.request.get('/admin/users/export.csv', { headers: { 'Sec-Fetch-Site': 'cross-site' } });
  expect(crossSite.status()).toBe(403);
  expect(await exports(org.id)).toHaveLength(1);
});

test('a member gets no export and writes no event; a signed-out visitor is sent to sign in', async ({ page, browser }) => {
  const org = await TestOrg.create('optional');
  const member = await org.user({ name: 'Max Member' });
  await signInDirectly(page.context(), member.id, 'password');
  const refused = await page.request.get('/admin/users/export.csv');
  expect(refused.status()).toBe(404);
  expect(await refused.text()).not.toContain('Max Member');
  expect(await exports(org.id)).toEqual([]);

  const anonymous = await browser.newContext();
  const away = await anonymous.request.get('/admin/users/export.csv?state=required', { maxRedirects: 0 });
  expect(away.status()).toBe(303);
  expect(away.headers()['location']).toMatch(/\/login\?callbackUrl=%2Fadmin%2Fusers$/);
  await anonymous.close();
});
