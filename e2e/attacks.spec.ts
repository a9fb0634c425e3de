import { expect, test } from './fixtures';
import { ACTION_FORMS, postAction, serverActions, sessionContext } from './support/actions';
import { liveSessions, organizationPolicy, userRow } from './support/db';
import { baseURL, idp } from './support/env';
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
  expect(await liveSessions(user.id)).toBe(0);
  // The same post from our own origin works: the refusal was about the origin.
  const ok = await request.post('/login', { multipart: { ...fields, email: user.email, password: user.password }, headers: { Origin: baseURL! }, maxRedirects: 0 });
  expect(ok.status()).toBe(303);
  expect(await liveSessions(user.id)).toBe(1);
});

test("every server action refuses a post from a foreign origin, even with a signed-in admin's cookie", async ({ org }) => {
  const admin = await org.userWith2fa({ role: 'admin' });
  const victim = await org.userWith2fa();
  const context = await sessionContext(admin.id);
  const values = { userId: String(victim.id), required: 'on', policy: 'required', reason: 'csrf', password: admin.password, recoveryCode: admin.recoveryCodes[0]!, currentPassword: admin.password, newPassword: 'csrf-password-1', confirmPassword: 'csrf-password-1' };
  expect(Object.keys(ACTION_FORMS).sort()).toEqual([...serverActions().keys()].sort());
  try {
    for (const name of Object.keys(ACTION_FORMS)) {
      for (const origin of ['https://evil.example', 'null', 'http://localhost.evil.example']) {
        const response = await postAction(context, name, values, { origin });
        expect(response.status(), `${name} from ${origin}`).toBe(403);
      }
    }
    expect((await userRow(victim.id)).totpSecret).not.toBeNull();
    expect((await userRow(victim.id)).twoFactorRequired).toBe(false);
    expect((await userRow(admin.id)).totpSecret).not.toBeNull();
    expect(await organizationPolicy(org.id)).toBe('optional');
    expect(await liveSessions(admin.id)).toBe(1);
    // The same forged request from our own origin goes through: the refusal was the origin's.
    expect((await postAction(context, 'setTwoFactorRequiredAction', values)).status()).toBe(200);
    expect((await userRow(victim.id)).twoFactorRequired).toBe(true);
  } finally {
    await context.dispose();
  }
});

test("Auth.js's own CSRF check stays on: starting SSO without its token does not reach the identity provider", async ({ playwright }) => {
  const context = await playwright.request.newContext({ baseURL });
  try {
    const refused = await context.post('/api/auth/signin/oidc', { form: { callbackUrl: '/' }, headers: { Origin: baseURL }, maxRedirects: 0 });
    expect(refused.status()).toBeLessThan(500);
    expect(refused.headers()['location'] ?? '').not.toContain(idp.issuer);
    // With the token (and its cookie) the same post goes to the identity provider: the refusal was the token's.
    const { csrfToken } = (await (await context.get('/api/auth/csrf')).json()) as { csrfToken: string };
    const allowed = await context.post('/api/auth/signin/oidc', { form: { callbackUrl: '/', csrfToken }, headers: { Origin: baseURL }, maxRedirects: 0 });
    expect(allowed.headers()['location'] ?? '').toContain(idp.issuer);
  } finally {
    await context.dispose();
  }
});
