import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from '@playwright/test';

const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe on the page as it is now. axe needs JavaScript, so for a page with JavaScript off the
 * same HTML is replayed at the same URL in a scratch page with JavaScript on (and the app's own
 * scripts blocked, so what is checked is exactly what the JS-off user got).
 *
 * Legacy mode runs axe in the page itself: the default opens a new page for every check to merge
 * the frames' results, which doubled the suite's axe time, and our pages have no frames. Only
 * violations are collected.
 */
export async function axeViolations(page: Page, javaScriptEnabled: boolean): Promise<string[]> {
  const target = javaScriptEnabled ? page : await replay(page);
  const results = await new AxeBuilder({ page: target }).withTags(tags).setLegacyMode(true).options({ resultTypes: ['violations'] }).analyze();
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

interface Scratch {
  page: Page;
  /** The document the next replay serves. */
  document: { url: string; html: string };
}

// One scratch page per browser (a worker's), reused: a new context per check cost more than axe.
const scratches = new WeakMap<Browser, Promise<Scratch>>();

async function openScratch(browser: Browser): Promise<Scratch> {
  const context = await browser.newContext({ javaScriptEnabled: true, colorScheme: 'light' });
  const scratch: Scratch = { page: await context.newPage(), document: { url: '', html: '' } };
  await scratch.page.route('**/*', (route) => {
    const request = route.request();
    if (request.url() === scratch.document.url && request.resourceType() === 'document') return route.fulfill({ body: scratch.document.html, contentType: 'text/html' });
    if (request.resourceType() === 'script') return route.abort();
    return route.continue();
  });
  return scratch;
}

async function replay(page: Page): Promise<Page> {
  const browser = page.context().browser()!;
  if (!scratches.has(browser)) scratches.set(browser, openScratch(browser));
  const scratch = await scratches.get(browser)!;
  scratch.document = { url: page.url(), html: await page.content() };
  await scratch.page.goto(scratch.document.url);
  return scratch.page;
}
