import { expect, test } from './fixtures';

test('every page sends a CSP with a fresh nonce and the hardening headers', async ({ page, request }) => {
  const first = await request.get('/login');
  const second = await request.get('/login');
  const csp1 = first.headers()['content-security-policy']!;
  const csp2 = second.headers()['content-security-policy']!;
  const nonce = (csp: string) => /'nonce-([^']+)'/.exec(csp)?.[1];
  expect(nonce(csp1)).toBeTruthy();
  expect(nonce(csp1)).not.toEqual(nonce(csp2));
  for (const directive of ["'strict-dynamic'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "img-src 'self' data:"]) {
    expect(csp1).toContain(directive);
  }
  expect(first.headers()).toMatchObject({
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'cross-origin-opener-policy': 'same-origin',
    'cache-control': 'no-store',
    'x-robots-tag': 'noindex, nofollow',
  });
  expect(first.headers()['permissions-policy']).toContain('camera=()');
  expect(first.headers()['x-powered-by']).toBeUndefined();

  // Every script the page carries is tagged with this response's nonce.
  const html = await first.text();
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce(csp1)}"`);

  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});

test('the session endpoint does not hand the session id to scripts', async ({ request }) => {
  const response = await request.get('/api/auth/session');
  expect(response.status()).toBe(404);
});

test('a mailed link’s token leaves the URL at once: 303 to the clean path, the token in a path-scoped cookie', async ({ request }) => {
  const token = 'A'.repeat(43);
  for (const [path, cookie] of [['/login/reset-password', 'deskgate-reset'], ['/invitation', 'deskgate-invitation']] as const) {
    const response = await request.get(`${path}?token=${token}`, { maxRedirects: 0 });
    expect(response.status()).toBe(303);
    const location = new URL(response.headers()['location']!, 'http://localhost');
    expect(location.pathname + location.search).toBe(path);
    expect(response.headers()['referrer-policy']).toBe('no-referrer');
    expect(response.headers()['set-cookie']).toContain(`${cookie}=${token}; Path=${path}`);
  }
});
