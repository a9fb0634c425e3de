import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe on the page as it is now. axe needs JavaScript, so for a page with JavaScript off the
 * same HTML is replayed at the same URL in a scratch page with JavaScript on (and the app's own
 * scripts blocked, so what is checked is exactly what the JS-off user got).
 */
export async function axeViolations(page: Page, javaScriptEnabled: boolean): Promise<string[]> {
  const target = javaScriptEnabled ? page : await replay(page);
  try {
    const results = await new AxeBuilder({ page: target }).withTags(tags).analyze();
    return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  } finally {
    if (target !== page) await target.context().close();
  }
}

async function replay(page: Page): Promise<Page> {
  const html = await page.content();
  const url = page.url();
  const context = await page.context().browser()!.newContext({ javaScriptEnabled: true, colorScheme: 'light' });
  const scratch = await context.newPage();
  await scratch.route('**/*', (route) => {
    const request = route.request();
    if (request.url() === url && request.resourceType() === 'document') return route.fulfill({ body: html, contentType: 'text/html' });
    if (request.resourceType() === 'script') return route.abort();
    return route.continue();
  });
  await scratch.goto(url);
  return scratch;
}
