import { expect, test } from './fixtures';
import { startExtraServer } from './support/server';

test('the favicon and the app icon are served with their types; the login page links the icon', async ({ page, request }) => {
  const favicon = await request.get('/favicon.ico');
  expect(favicon.status()).toBe(200);
  expect(favicon.headers()['content-type']).toBe('image/x-icon');
  // An ICO header (reserved 0, type 1: icon) whose one image is a PNG.
  const ico = await favicon.body();
  expect([...ico.subarray(0, 4)]).toEqual([0, 0, 1, 0]);
  expect(ico.subarray(22, 26).toString('latin1')).toBe('\x89PNG');

  await page.goto('/login');
  const href = await page.locator('head link[rel="icon"][type="image/svg+xml"]').getAttribute('href');
  expect(href).toMatch(/^\/icon\.svg\b/);
  const icon = await request.get(href!);
  expect(icon.status()).toBe(200);
  expect(icon.headers()['content-type']).toBe('image/svg+xml');
  expect(await icon.text()).toMatch(/^<svg [^>]*viewBox="0 0 32 32"/);
});

test('robots.txt keeps every page out of search engines, and every response says noindex, nofollow', async ({ request }) => {
  const robots = await request.get('/robots.txt');
  expect(robots.status()).toBe(200);
  expect(robots.headers()['content-type']).toMatch(/^text\/plain/);
  expect(await robots.text()).toBe('User-agent: *\nDisallow: /\n');

  // Pages, route handlers, public files, build assets (which the proxy skips), a 404.
  const script = /<script[^>]+src="(\/_next\/static\/[^"]+)"/.exec(await (await request.get('/login')).text())?.[1];
  expect(script).toBeTruthy();
  for (const path of ['/login', '/api/auth/csrf', '/robots.txt', '/favicon.ico', '/.well-known/security.txt', script!, '/no-such-page']) {
    expect((await request.get(path, { maxRedirects: 0 })).headers()['x-robots-tag'], path).toBe('noindex, nofollow');
  }
});

test('security.txt (RFC 9116) names the contact from SECURITY_CONTACT, to anyone, signed out', async ({ request }) => {
  const response = await request.get('/.well-known/security.txt', { maxRedirects: 0 });
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe('text/plain; charset=utf-8');
  const text = await response.text();
  expect(text).toMatch(/^Contact: mailto:security@deskgate\.example\nExpires: \d{4}-\d\d-\d\dT00:00:00Z\nPreferred-Languages: en\n/);
  const expires = Date.parse(/^Expires: (\S+)$/m.exec(text)![1]!);
  expect(expires).toBeGreaterThan(Date.now());
  expect(expires).toBeLessThan(Date.now() + 365 * 86_400_000);
});

test('without SECURITY_CONTACT, security.txt says plainly that none was named, with a 404', async () => {
  const server = await startExtraServer(3336 + test.info().workerIndex, { SECURITY_CONTACT: '' });
  try {
    const response = await fetch(`${server.baseURL}/.well-known/security.txt`, { redirect: 'manual' });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const text = await response.text();
    expect(text).toContain('This Deskgate deployment has named no security contact');
    expect(text).toContain('setting SECURITY_CONTACT');
    expect(text).not.toMatch(/^Contact:/m);
  } finally {
    await server.stop();
  }
});
