import { test, type Locator, type Page } from '@playwright/test';

/**
 * Clicks a submit button and waits for the server's answer — a fetch with JavaScript, a page load
 * without. With JavaScript it also waits until React has finished the action (no button is pending):
 * React resets a form after its action, so typing into it before then would be lost.
 */
export async function submit(page: Page, button: Locator): Promise<void> {
  await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST' && r.url().startsWith(new URL(page.url()).origin)), button.click()]);
  await page.waitForLoadState();
  if (test.info().project.use.javaScriptEnabled !== false) {
    await page.waitForFunction(() => !document.querySelector('button[aria-disabled="true"]'));
  }
}
