import { request as playwrightRequest } from '@playwright/test';
import { expect, test, totp } from './fixtures';
import { liveSessions } from './support/db';
import { baseURL } from './support/env';
import { actionFields, postForm } from './support/forms';

// Requests posted as a browser without JavaScript would, many at once; the config runs this file once.

async function pendingVerifications(email: string, password: string, n: number) {
  const contexts = [];
  for (let i = 0; i < n; i++) {
    const request = await playwrightRequest.newContext({ baseURL });
    const login = await postForm(request, baseURL, '/login', 'email', { email, password });
    expect(login.headers()['location'] ?? '').toContain('/login/verify');
    contexts.push(request);
  }
  return contexts;
}

test('20 parallel submissions of one TOTP code give exactly one session', async ({ org }) => {
  const user = await org.userWith2fa();
  const contexts = await pendingVerifications(user.email, user.password, 20);
  const code = totp(user.secret);
  const responses = await Promise.all(contexts.map((r) => postForm(r, baseURL, '/login/verify', 'code', { method: 'code', code })));
  expect(responses.every((r) => r.status() < 500)).toBe(true);
  expect(liveSessions(user.id)).toBe(1);
  await Promise.all(contexts.map((r) => r.dispose()));
});

test('20 parallel submissions of one recovery code give exactly one session', async ({ org }) => {
  const user = await org.userWith2fa();
  const contexts = await pendingVerifications(user.email, user.password, 20);
  const htmls = await Promise.all(contexts.map(async (r) => (await r.get('/login/verify?method=recovery')).text()));
  const responses = await Promise.all(
    contexts.map((r, i) => r.post('/login/verify?method=recovery', { multipart: { ...actionFields(htmls[i]!, 'recoveryCode'), method: 'recovery', recoveryCode: user.recoveryCodes[0]! }, headers: { Origin: baseURL }, maxRedirects: 0 })),
  );
  expect(responses.every((r) => r.status() < 500)).toBe(true);
  expect(liveSessions(user.id)).toBe(1);
  await Promise.all(contexts.map((r) => r.dispose()));
});
