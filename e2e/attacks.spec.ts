import { expect, test } from './fixtures';
import { liveSessions } from './support/db';
import { actionFields } from './support/forms';

// Known attacks, kept as regression tests. Plain HTTP: run once (see playwright.config.ts).

test('x-middleware-subrequest (CVE-2025-29927) does not skip the proxy or the session check', async ({ request }) => {
  for (const value of ['middleware', 'proxy', 'middleware:middleware:middleware:middleware:middleware', 'proxy:proxy:proxy:proxy:proxy', 'src/middleware:src/middleware:src/middleware:src/middleware:src/middleware']) {
    const response = await request.get('/admin/users', { headers: { 'x-middleware-subrequest': value }, maxRedirects: 0 });
    expect(response.status(), value).toBe(307);
    expect(response.headers()['location']).toContain('/login');
    expect(response.headers()['content-security-policy'], value).toContain("frame-ancestors 'none'");
  }
});

test('a server action posted from a foreign origin is refused and changes nothing', async ({ request, org, baseURL }) => {
  const user = await org.user();
  const fields = actionFields(await (await request.get('/login')).text(), 'email');
  for (const origin of ['https://evil.example', 'http://localhost.evil.example', 'null']) {
    const response = await request.post('/login', { multipart: { ...fields, email: user.email, password: user.password }, headers: { Origin: origin }, maxRedirects: 0 });
    expect(response.status(), origin).toBeGreaterThanOrEqual(400);
    expect(response.status(), origin).toBeLessThan(500);
    expect(response.headers()['set-cookie'] ?? '', origin).not.toMatch(/session-token=[^;]/);
  }
  expect(liveSessions(user.id)).toBe(0);
  // The same post from our own origin works: the refusal was about the origin.
  const ok = await request.post('/login', { multipart: { ...fields, email: user.email, password: user.password }, headers: { Origin: baseURL! }, maxRedirects: 0 });
  expect(ok.status()).toBe(303);
  expect(liveSessions(user.id)).toBe(1);
});
