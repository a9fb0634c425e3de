import { randomBytes } from 'node:crypto';
import { request as playwrightRequest } from '@playwright/test';
import { count, eq } from 'drizzle-orm';
import { db } from '@/db';
import { pendingEnrollments } from '@/db/schema';
import { registrationOptions } from '@/lib/auth/webauthn';
import { SoftwareAuthenticator } from '@/lib/testing/software-authenticator';
import { expect, test } from './fixtures';
import { postAction } from './support/actions';
import { auditActions, userRow } from './support/db';
import { baseURL } from './support/env';
import { appPlace, storedKeys } from './support/keys';
import { newSessionCookie } from './support/sessions';

// Forged key registrations, posted as raw requests with a software authenticator that answers
// whatever it is given: each is refused and changes nothing. (Raw requests: run once, as the config runs its raw-request specs.)

async function sessionOf(userId: number) {
  const { name, value, sessionId } = await newSessionCookie(userId, 'password');
  const context = await playwrightRequest.newContext({ baseURL, storageState: { cookies: [{ name, value, domain: new URL(baseURL).hostname, path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' }], origins: [] } });
  return { context, sessionId };
}

async function unchanged(userId: number) {
  const row = await userRow(userId);
  expect([row.webauthnKeyCount, row.twoFactorState, row.recoveryCodesLeft, row.webauthnHandle]).toEqual([0, 'none', 0, null]);
  expect(await storedKeys(userId)).toEqual([]);
  expect(await auditActions(userId)).not.toContain('webauthn.key_added');
}

const finish = (context: Awaited<ReturnType<typeof sessionOf>>['context'], response: unknown) => postAction(context, 'finishAddKeyAction', { name: 'Forged', response: JSON.stringify(response) });

test('a registration without the step-up (a challenge the server never issued) is refused and changes nothing', async ({ org }) => {
  const user = await org.user();
  const { context, sessionId } = await sessionOf(user.id);
  // What startAddKeyAction would answer after a step-up, made up by the attacker instead.
  const real = await registrationOptions({ id: user.id, orgId: org.id, email: user.email, name: user.name }, { sessionId: `not-${sessionId}` });
  const forged = { ...real, challenge: randomBytes(32).toString('base64url') };
  const answer = await finish(context, new SoftwareAuthenticator().register(forged, appPlace()));
  expect(answer.status()).toBe(200);
  await unchanged(user.id);
  await context.dispose();
});

test('a registration answering another session’s challenge, or for a wrong origin or RP ID, is refused; the rightful one is stored', async ({ org }) => {
  const user = await org.user();
  const mine = await sessionOf(user.id);
  const thief = await sessionOf(user.id);
  const owner = { id: user.id, orgId: org.id, email: user.email, name: user.name };
  const options = await registrationOptions(owner, { sessionId: mine.sessionId });
  const authenticator = new SoftwareAuthenticator();
  const response = authenticator.register(options, appPlace());
  expect((await finish(thief.context, response)).status()).toBe(200);
  await unchanged(user.id);

  for (const place of [{ ...appPlace(), origin: 'https://evil.example' }, { ...appPlace(), rpId: 'evil.example' }]) {
    const wrong = await registrationOptions(owner, { sessionId: mine.sessionId });
    expect((await finish(mine.context, new SoftwareAuthenticator().register(wrong, place))).status()).toBe(200);
    await unchanged(user.id);
  }

  // The refused attempt left the challenge to the session it was made for.
  await finish(mine.context, response);
  expect((await storedKeys(user.id)).map((k) => k.credentialId)).toEqual([authenticator.id]);
  expect((await userRow(user.id)).webauthnKeyCount).toBe(1);
  await mine.context.dispose();
  await thief.context.dispose();
});

test('with a copied session and the password, a keys-only user’s 2FA gets no authenticator app (it asks for a key or a recovery code)', async ({ org }) => {
  const user = await org.user();
  const owner = { id: user.id, orgId: org.id, email: user.email, name: user.name };
  // The owner adds a key from their own session.
  const mine = await sessionOf(user.id);
  await finish(mine.context, new SoftwareAuthenticator().register(await registrationOptions(owner, { sessionId: mine.sessionId }), appPlace()));
  expect(await storedKeys(user.id)).toHaveLength(1);
  await mine.context.dispose();
  // The thief's copy: a live session that verified no second factor lately.
  const { context } = await sessionOf(user.id);
  const answer = await postAction(context, 'startEnrollmentAction', { password: user.password });
  expect(answer.status()).toBe(200);
  const pending = await (await db()).select({ n: count() }).from(pendingEnrollments).where(eq(pendingEnrollments.userId, user.id));
  expect(pending[0]!.n, 'no setup of an app was started').toBe(0);
  expect((await userRow(user.id)).totpEnabledAt).toBeNull();
  await context.dispose();
});
