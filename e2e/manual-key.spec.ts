import { expect, expectAccessible, test } from './fixtures';
import { TestOrg } from './support/accounts';
import { signInDirectly } from './support/sessions';

/** How many lines each 4-character group of the shown key is drawn on (1 each when none is split). */
async function linesPerGroup(page: import('@playwright/test').Page): Promise<number[]> {
  return page.getByTestId('setup-key').evaluate((element) => {
    const text = element.firstChild as Text;
    const lines: number[] = [];
    for (const match of text.data.matchAll(/\S+/g)) {
      const range = document.createRange();
      range.setStart(text, match.index);
      range.setEnd(text, match.index + match[0].length);
      // One rectangle per line the group's glyphs are on.
      lines.push(new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size);
    }
    return lines;
  });
}

/** The key shown at every width from a phone to a wide screen: 8 groups, each on one line. Returns the key. */
async function expectWholeGroups(page: import('@playwright/test').Page): Promise<string> {
  const shown = page.getByTestId('setup-key');
  await expect(shown).toBeVisible();
  const key = (await shown.innerText()).replace(/\s+/g, '');
  expect(key).toMatch(/^[A-Z2-7]{32}$/);
  for (const width of [320, 375, 768, 1280, 1920]) {
    await page.setViewportSize({ width, height: 900 });
    expect(await linesPerGroup(page), `groups at ${width} px`).toEqual(Array(8).fill(1));
  }
  return key;
}

test('the manual key never breaks inside a group, from 320 px to 1920 px, on the 2FA tab and the forced setup', async ({ page, org, loginPage }) => {
  // The forced setup: its narrow card puts the key in a column beside the QR code at desktop widths.
  const required = await TestOrg.create('required');
  const starter = await required.user();
  await loginPage.goto();
  await loginPage.submitPassword(starter.email, starter.password);
  await expect(page).toHaveURL(/\/login\/setup-2fa$/);
  await expectWholeGroups(page);

  const user = await org.user();
  await page.context().clearCookies();
  await signInDirectly(page.context(), user.id, 'password');
  await page.goto('/profile/2fa');
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Enable 2FA' }).click();
  const key = await expectWholeGroups(page);
  const shown = page.getByTestId('setup-key');
  // The spoken form: each character apart, groups separated; the drawn key is hidden from it.
  await expect(shown).toHaveAttribute('aria-hidden', 'true');
  const spoken = key.match(/.{4}/g)!.map((group) => group.split('').join(' ')).join(', ');
  await expect(page.getByText(spoken, { exact: true })).toBeAttached();
  await expectAccessible(page);

  if (test.info().project.use.javaScriptEnabled === false) {
    // The clipboard needs JavaScript: the key is typed or selected as shown.
    await expect(page.getByRole('button', { name: 'Copy key' })).toHaveCount(0);
    return;
  }
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Copy key' }).click();
  await expect(page.getByRole('button', { name: 'Key copied' })).toBeVisible();
  await expect(page.getByText('The key was copied to the clipboard.')).toBeAttached();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
  await expectAccessible(page);
});
