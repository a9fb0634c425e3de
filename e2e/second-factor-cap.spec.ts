import { expect, expectAccessible, TestOrg, test, totp } from './fixtures';
import { LoginPage } from './pages/login-page';
import { VerifyPage } from './pages/verify-page';
import { auditActions, userRow } from './support/db';
import { startExtraServer, type ExtraServer } from './support/server';
import { signInDirectly } from './support/sessions';
import { submit } from './support/submit';

// The hard cap on consecutive second-factor failures, lowered from 100 to 3 on a server of its
// own, with the sliding-window lock raised so that the cap is what trips.
const SUSPENDED = 'Your second step is locked after too many failed attempts. Ask your administrator to reset your two-factor authentication.';
let server: ExtraServer;
test.beforeAll(async ({}, workerInfo) => {
  server = await startExtraServer(3370 + workerInfo.workerIndex, { DESKGATE_2FA_MAX_FAILURES: '3', DESKGATE_2FA_USER_FAILURES: '1000' });
});
test.afterAll(async () => server?.stop());
// Several submissions and accessibility checks each: slow on a shared machine.
test.describe.configure({ timeout: 120_000 });

test('consecutive second-factor failures up to the cap lock the second step until an admin resets 2FA', { tag: '@once' }, async ({ page, browser }) => {
  const org = await TestOrg.create('optional');
  const admin = await org.user({ role: 'admin' });
  const user = await org.userWith2fa({ name: 'Gus Guessed' });
  const step = Math.floor(Date.now() / 30_000);
  await page.goto(`${server.baseURL}/login`);
  await new LoginPage(page).submitPassword(user.email, user.password);
  const verify = new VerifyPage(page);
  await verify.submitCode(totp(user.secret, step - 20));
  await expect(verify.error()).toContainText("That code didn't work");
  await verify.submitRecoveryCode('ABCD-EFGH-JKMN-PQRS');
  await expect(verify.error()).toContainText("That recovery code didn't work");
  await verify.submitRecoveryCode('ABCD-EFGH-JKMN-PQRT');
  await expect(verify.error()).toHaveText(SUSPENDED);
  await expectAccessible(page);
  await verify.submitRecoveryCode(user.recoveryCodes[0]!);
  await expect(verify.error(), 'even a right code is refused').toHaveText(SUSPENDED);
  expect((await userRow(user.id)).secondFactorFailures).toBe(3);
  expect((await userRow(user.id)).recoveryCodesLeft, 'the refused code was not used').toBe(10);
  expect((await auditActions(user.id)).filter((a) => a === '2fa.suspended'), 'audited once, when it tripped').toHaveLength(1);

  // The admin (without 2FA: the password is the step-up) sees it and resets it.
  const adminContext = await browser.newContext({ baseURL: server.baseURL });
  await signInDirectly(adminContext, admin.id, 'password');
  const adminPage = await adminContext.newPage();
  await adminPage.goto('/admin/users');
  const row = adminPage.getByRole('row', { name: /Gus Guessed/ });
  await expect(row).toContainText('Locked');
  await expectAccessible(adminPage);
  await row.getByRole('link', { name: 'Reset 2FA of Gus Guessed' }).click();
  const confirm = test.info().project.use.javaScriptEnabled === false ? adminPage.locator('main') : adminPage.getByRole('dialog');
  await confirm.getByLabel('Your password').fill(admin.password);
  await submit(adminPage, confirm.getByRole('button', { name: 'Reset 2FA' }));
  await expect(adminPage.getByText(`2FA of ${user.name} was reset`)).toBeVisible();
  await expect(adminPage.getByRole('row', { name: /Gus Guessed/ })).not.toContainText('Locked');
  expect((await userRow(user.id)).secondFactorFailures).toBe(0);
  await adminContext.close();
});
