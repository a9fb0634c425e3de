import type { Locator, Page } from '@playwright/test';

/**
 * Clicks a submit button and waits for the server's answer — a fetch with JavaScript, a page load
 * without. React resets a form after its action, so typing into it before then would be lost.
 */
export async function submit(page: Page, button: Locator): Promise<void> {
  await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST' && r.url().startsWith(new URL(page.url()).origin)), button.click()]);
  await page.waitForLoadState();
}
