import { expect, expectAccessible, test } from './fixtures';
import { HomePage } from './pages/home-page';

const GENERIC = "That email and password don't match an account that can sign in here.";

test('a password user signs in and sees who they are', async ({ page, org, loginPage }) => {
  const user = await org.user();
  await loginPage.goto();
  await expectAccessible(page);
  await loginPage.submitPassword(user.email, user.password);
  await expect(page).toHaveURL(/\/$/);
  await new HomePage(page).expectSignedInAs(user.name, org.name);
  await expect(page.getByText(user.email)).toBeVisible();
  await expectAccessible(page);
});

test('wrong password, unknown email and an SSO account get one message', async ({ page, org, loginPage }) => {
  const user = await org.user();
  const sso = await org.user({ method: 'sso' });
  const attempts = [
    [user.email, 'wrong-password-1'],
    [`nobody-${Date.now()}@nowhere.example`, user.password],
    [sso.email, user.password],
  ];
  for (const [email, password] of attempts) {
    await loginPage.goto();
    await loginPage.submitPassword(email!, password!);
    await expect(loginPage.error()).toContainText(GENERIC);
    await expect(page).toHaveURL(/\/login/);
    await expect(loginPage.email()).toHaveValue(email!);
  }
  await expectAccessible(page);
});

test('signed-out visitors are sent to sign-in and come back afterwards', async ({ page, org, loginPage }) => {
  const user = await org.user();
  await page.goto('/?from=bookmark');
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2F%3Ffrom%3Dbookmark$/);
  await loginPage.submitPassword(user.email, user.password);
  await expect(page).toHaveURL(/\/\?from=bookmark$/);
});

test('an open redirect through callbackUrl (another origin, protocol-relative, backslash, javascript:) lands on the home page', async ({ page, org, loginPage }) => {
  const user = await org.user();
  for (const evil of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)']) {
    await page.context().clearCookies();
    await loginPage.goto(evil);
    await loginPage.submitPassword(user.email, user.password);
    await expect(page, evil).toHaveURL(/^http:\/\/localhost:\d+\/$/);
  }
});

test('sign-out revokes the session: a copied cookie stops working', async ({ page, browser, org, loginPage }) => {
  const user = await org.user();
  await loginPage.signIn(user);
  const stolen = await page.context().cookies();
  expect(stolen.some((c) => c.name.includes('session-token'))).toBe(true);
  await new HomePage(page).signOut();

  const thief = await browser.newContext();
  await thief.addCookies(stolen);
  const thiefPage = await thief.newPage();
  await thiefPage.goto('/');
  await expect(thiefPage).toHaveURL(/\/login/);
  await thief.close();
});

// The same form's server-side refusal as the empty form's below, which runs without JavaScript too (@once).
test('a 73-byte password is refused with a clear message, never truncated', { tag: '@once' }, async ({ page, org, loginPage }) => {
  const user = await org.user();
  await loginPage.goto();
  await loginPage.submitPassword(user.email, 'a'.repeat(73));
  await expect(page.getByText(/at most 72 bytes/)).toBeVisible();
  await expect(loginPage.password()).toHaveAttribute('aria-invalid', 'true');
  await expect(page).toHaveURL(/\/login/);
  await expectAccessible(page);
});

test('an empty form and a malformed email get field messages', async ({ page, loginPage }) => {
  await loginPage.goto();
  await loginPage.submit().click();
  await expect(page.getByText('Enter your email address.')).toBeVisible();
  await expect(page.getByText('Enter your password.')).toBeVisible();
  await loginPage.submitPassword('not-an-email', 'whatever1');
  await expect(page.getByText('Enter a valid email address.')).toBeVisible();
});
