import { request as playwrightRequest, type APIRequestContext } from '@playwright/test';
import { sql } from 'drizzle-orm';
import { rawRows } from '@/db';
import { expect, test } from './fixtures';
import { auditActions, liveSessions } from './support/db';
import { baseURL } from './support/env';
import { challengeContext, postAction } from './support/actions';
import { appPlace, assertionFor, registerKey, type RegisteredKey } from './support/security-keys';
import type { TestOrg, TwoFactorUser } from './fixtures';

// Plain HTTP, run once (the name puts it with the raw-request specs). Options are made here, for the
// binding the server would use (the caller's own challenge cookie or passkey nonce), and answered by
// a software authenticator: every attack below is refused, and the key and its user keep no trace
// of it but the counted failure.

const SESSION_COOKIE = /authjs\.session-token=[^;]/;
const cookieOf = async (context: APIRequestContext, name: string) => (await context.storageState()).cookies.find((c) => c.name === name)?.value ?? '';

/** A caller stopped at the second step, and its sign-in challenge's token. */
async function atSecondStep(user: TwoFactorUser) {
  const { context, location } = await challengeContext(user);
  expect(location).toContain('/login/verify');
  return { context, binding: { challengeToken: await cookieOf(context, 'deskgate-challenge') } };
}

/** A caller about to sign in with a passkey: its nonce cookie set as the options action would. */
async function passkeyCaller(nonce: string) {
  const host = new URL(baseURL).hostname;
  return playwrightRequest.newContext({ baseURL, storageState: { cookies: [{ name: 'deskgate-passkey', value: nonce, domain: host, path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' }], origins: [] } });
}

const keyState = async (userId: number) => rawRows(sql`select sign_count, last_used_at from webauthn_credentials where user_id = ${userId} order by id`);
const signedIn = (answer: { headers(): Record<string, string> }) => SESSION_COOKIE.test(answer.headers()['set-cookie'] ?? '');

async function userWithKey(org: TestOrg, kind: 'usb' | 'passkey' = 'usb'): Promise<{ user: TwoFactorUser; key: RegisteredKey }> {
  const user = await org.userWith2fa();
  return { user, key: await registerKey(user, org.id, kind) };
}

test('a replayed assertion, and one for another user’s challenge, are refused', async ({ org }) => {
  const { user, key } = await userWithKey(org);
  const { user: other } = await userWithKey(org);
  const first = await atSecondStep(user);
  const response = JSON.stringify(await assertionFor(first.binding, user.id, key.software));
  expect(signedIn(await postAction(first.context, 'verifyKeyAction', { response }))).toBe(true);
  const used = await keyState(user.id);

  const again = await atSecondStep(user);
  expect(signedIn(await postAction(again.context, 'verifyKeyAction', { response })), 'replayed in a new sign-in').toBe(false);
  const victim = await atSecondStep(other);
  expect(signedIn(await postAction(victim.context, 'verifyKeyAction', { response })), 'posted to another user’s challenge').toBe(false);
  // The attacker’s key answering the victim’s challenge (its options name only the victim’s keys).
  const mineForTheirs = JSON.stringify(await assertionFor(victim.binding, other.id, key.software));
  expect(signedIn(await postAction(victim.context, 'verifyKeyAction', { response: mineForTheirs }))).toBe(false);
  expect(await keyState(user.id)).toEqual(used);
  expect(await liveSessions(user.id)).toBe(1);
  expect(await liveSessions(other.id)).toBe(0);
  // Each counted once, for the victim's sign-in challenge and for the victim.
  expect(await rawRows(sql`select failures from login_challenges where user_id = ${other.id}`)).toEqual([{ failures: 2 }]);
  expect(await rawRows(sql`select second_factor_failures as n from users where id = ${other.id}`)).toEqual([{ n: 2 }]);
  expect(await auditActions(user.id)).toContain('sign_in.second_factor_failed');
  for (const context of [first.context, again.context, victim.context]) await context.dispose();
});

test('refused keys posted at once to one sign-in challenge: each counted before its check, so no more than its 5 attempts are checked', async ({ org }) => {
  const { user, key } = await userWithKey(org);
  const { context, binding } = await atSecondStep(user);
  // Signed by the user's key for the wrong place: refused once checked.
  const refused = JSON.stringify(await assertionFor(binding, user.id, key.software, { ...appPlace(), origin: 'https://deskgate.evil.example' }));
  const answers = await Promise.all(Array.from({ length: 8 }, () => postAction(context, 'verifyKeyAction', { response: refused })));
  expect(answers.every((answer) => answer.status() < 500 && !signedIn(answer))).toBe(true);
  // Five checked and counted for the user; the sixth found the challenge out of attempts and ended it.
  expect(await rawRows(sql`select second_factor_failures as n from users where id = ${user.id}`)).toEqual([{ n: 5 }]);
  expect(await rawRows(sql`select id from login_challenges where user_id = ${user.id}`)).toEqual([]);
  expect(await liveSessions(user.id)).toBe(0);
  await context.dispose();
});

test('a wrong origin or RP ID is refused and moves no counter', async ({ org }) => {
  const { user, key } = await userWithKey(org);
  const before = await keyState(user.id);
  for (const place of [{ ...appPlace(), origin: 'https://deskgate.evil.example' }, { ...appPlace(), rpId: 'evil.example' }]) {
    const { context, binding } = await atSecondStep(user);
    const response = JSON.stringify(await assertionFor(binding, user.id, key.software, place));
    expect(signedIn(await postAction(context, 'verifyKeyAction', { response }))).toBe(false);
    await context.dispose();
  }
  expect(await keyState(user.id)).toEqual(before);
  expect(await liveSessions(user.id)).toBe(0);
});

test('a signature counter that goes back (a cloned key) is refused and audited', async ({ org }) => {
  const { user, key } = await userWithKey(org);
  const first = await atSecondStep(user);
  expect(signedIn(await postAction(first.context, 'verifyKeyAction', { response: JSON.stringify(await assertionFor(first.binding, user.id, key.software)) }))).toBe(true);
  const used = await keyState(user.id);
  key.software.counter = 0;
  const clone = await atSecondStep(user);
  expect(signedIn(await postAction(clone.context, 'verifyKeyAction', { response: JSON.stringify(await assertionFor(clone.binding, user.id, key.software)) }))).toBe(false);
  expect(await keyState(user.id)).toEqual(used);
  expect(await auditActions(user.id)).toContain('webauthn.counter_regression');
  expect(await liveSessions(user.id)).toBe(1);
  await Promise.all([first.context.dispose(), clone.context.dispose()]);
});

test('one assertion posted 10 times at once gives one session: as a second step and as a passkey', async ({ org }) => {
  const { user, key } = await userWithKey(org);
  const { context, binding } = await atSecondStep(user);
  const response = JSON.stringify(await assertionFor(binding, user.id, key.software));
  const answers = await Promise.all(Array.from({ length: 10 }, () => postAction(context, 'verifyKeyAction', { response })));
  expect(answers.filter(signedIn)).toHaveLength(1);
  expect(answers.every((a) => a.status() < 500)).toBe(true);
  expect(await liveSessions(user.id)).toBe(1);
  await context.dispose();

  const { user: owner, key: passkey } = await userWithKey(org, 'passkey');
  const nonce = `nonce-${owner.id}-${Date.now()}`;
  const caller = await passkeyCaller(nonce);
  const assertion = JSON.stringify(await assertionFor({ browserNonce: nonce }, null, passkey.software));
  const passkeyAnswers = await Promise.all(Array.from({ length: 10 }, () => postAction(caller, 'passkeySignInAction', { response: assertion, callbackUrl: '/' })));
  expect(passkeyAnswers.filter(signedIn)).toHaveLength(1);
  expect(await liveSessions(owner.id)).toBe(1);
  const replay = await passkeyCaller(nonce);
  expect(signedIn(await postAction(replay, 'passkeySignInAction', { response: assertion }))).toBe(false);
  expect(await liveSessions(owner.id)).toBe(1);
  await Promise.all([caller.dispose(), replay.dispose()]);
});

test('a USB key added without a PIN, given one by whoever holds it, does not sign in on its own; after the password it still works', async ({ org }) => {
  const { user, key } = await userWithKey(org, 'usb');
  // The thief sets a PIN: the key's assertions now carry the user-verified flag.
  key.software.setUserVerification(true);
  const nonce = `nonce-${user.id}-${Date.now()}`;
  const caller = await passkeyCaller(nonce);
  const assertion = JSON.stringify(await assertionFor({ browserNonce: nonce }, null, key.software));
  const before = await keyState(user.id);
  const answer = await postAction(caller, 'passkeySignInAction', { response: assertion, callbackUrl: '/' });
  expect(answer.status()).toBeLessThan(500);
  expect(signedIn(answer)).toBe(false);
  expect(await liveSessions(user.id)).toBe(0);
  expect(await keyState(user.id), 'the key records no use').toEqual(before);
  expect(await auditActions(user.id)).toContain('sign_in.failed');

  // Its owner, who knows the password, still uses it as the second step.
  const { context, binding } = await atSecondStep(user);
  const response = JSON.stringify(await assertionFor(binding, user.id, key.software));
  expect(signedIn(await postAction(context, 'verifyKeyAction', { response }))).toBe(true);
  await Promise.all([caller.dispose(), context.dispose()]);
});
