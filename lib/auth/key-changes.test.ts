import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as OTPAuth from 'otpauth';
import { and, eq } from 'drizzle-orm';
import { db, writeTransaction } from '@/db';
import { auditEvents, loginChallenges, recoveryCodes, sessions, users, webauthnChallenges } from '@/db/schema';
import { createOrganization, setOrganizationPolicy } from '@/lib/accounts/organizations';
import { createUser, setUserTwoFactorRequired } from '@/lib/accounts/users';
import { translatorFor } from '@/lib/i18n/translate';
import { SoftwareAuthenticator } from '@/lib/testing/software-authenticator';
import { createChallenge, findChallenge } from './challenge';
import { beginEnrollment, confirmEnrollment } from './enrollment';
import { mayStillRegister } from './key-changes';
import { describeSecondFactors, hasSecondFactor, secondStep } from './policy';
import { createSession, loadSession, revokeSession } from './session';
import { tokenDigest } from './tokens';
import { disableTwoFactor, removeOwnKey, resetTwoFactor } from './two-factor-changes';
import { authenticationOptions, listKeys, registrationOptions, relyingParty, verifyRegistration, type WebAuthnBinding } from './webauthn';

process.env.DESKGATE_LOG = 'off';
const operator = { kind: 'operator' } as const;
const org = await createOrganization({ slug: 'kc', name: 'KC', policy: 'optional' }, operator);
let n = 0;
const freshUser = async (slug = 'kc') => {
  n += 1;
  return createUser({ org: slug, email: `kc${n}@${slug}.example`, name: `KC${n}`, role: 'member', method: 'password', password: 'password-1' }, operator);
};
const here = () => ({ origin: relyingParty().origin, rpId: relyingParty().id });
const newSession = (userId: number) => writeTransaction((tx) => createSession(tx, userId, 'password', null));
const row = async (userId: number) => (await (await db()).select().from(users).where(eq(users.id, userId)))[0]!;
const ctx = (userId: number, sessionId: string) => ({ actor: { kind: 'user' as const, userId }, orgId: org.id, ip: '192.0.2.1', sessionId });
const guarded = (userId: number, binding: WebAuthnBinding) => (tx: Parameters<typeof mayStillRegister>[0]) => mayStillRegister(tx, userId, binding);
const audited = async (userId: number, action: string) =>
  (await (await db()).select({ id: auditEvents.id }).from(auditEvents).where(and(eq(auditEvents.targetUserId, userId), eq(auditEvents.action, action)))).length;

type Owner = Awaited<ReturnType<typeof freshUser>>;
async function addKey(user: Owner, sessionId: string, authenticator = new SoftwareAuthenticator()) {
  const binding = { sessionId };
  const result = await verifyRegistration(user, binding, authenticator.register(await registrationOptions(user, binding), here()), 'Key', null, guarded(user.id, binding));
  assert.ok(result.ok, JSON.stringify(result));
  return { ...result, authenticator };
}
async function withApp(userId: number, sessionId: string) {
  const now = Date.now();
  const secret = await beginEnrollment(userId, { sessionId }, now);
  const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp: now });
  const result = await confirmEnrollment(userId, code, { owner: { sessionId }, audit: { orgId: org.id, actor: operator, targetUserId: userId } }, now);
  assert.ok(result.ok);
  return result.codes;
}

test('the key count follows every key added and removed, and with it the generated 2FA state', async () => {
  const user = await freshUser();
  const session = await newSession(user.id);
  assert.equal((await row(user.id)).twoFactorState, 'none');
  const first = await addKey(user, session);
  await addKey(user, session);
  let stored = await row(user.id);
  assert.deepEqual([stored.webauthnKeyCount, stored.twoFactorState, hasSecondFactor(stored), describeSecondFactors(stored)], [2, 'enabled', true, '2 keys']);
  assert.equal(secondStep({ ...stored, signInMethod: 'password' }, 'optional'), 'verify', 'a keys-only user goes to the second step');
  assert.equal(await removeOwnKey(user.id, first.authenticator.id, ctx(user.id, session)), null);
  stored = await row(user.id);
  assert.deepEqual([stored.webauthnKeyCount, stored.twoFactorState, describeSecondFactors(stored)], [1, 'enabled', '1 key']);
  assert.equal((await listKeys(user.id)).length, 1);
});

test('the first key brings recovery codes; a key beside the app does not; the app beside keys keeps the codes there are', async () => {
  const keysFirst = await freshUser();
  const s1 = await newSession(keysFirst.id);
  const first = await addKey(keysFirst, s1);
  assert.equal(first.codes?.length, 10);
  assert.equal((await addKey(keysFirst, s1)).codes, undefined, 'a second key');
  assert.deepEqual(await withApp(keysFirst.id, s1), [], 'the app added beside keys');
  assert.equal((await row(keysFirst.id)).recoveryCodesLeft, 10);
  assert.equal(await audited(keysFirst.id, '2fa.app_added'), 1);

  const appFirst = await freshUser();
  const s2 = await newSession(appFirst.id);
  assert.equal((await withApp(appFirst.id, s2)).length, 10);
  assert.equal((await addKey(appFirst, s2)).codes, undefined, 'a key beside the app');
  assert.equal(describeSecondFactors(await row(appFirst.id)), 'App · 1 key');
  // The same words in the reader's language (the users table, the CLI's lines); a count as it is, never grouped.
  assert.equal(describeSecondFactors(await row(appFirst.id), translatorFor('de')), 'App · 1 Schlüssel');
  assert.equal(describeSecondFactors({ totpEnabledAt: null, webauthnKeyCount: 1000 }), '1000 keys');

  const noCodesLeft = await freshUser();
  const s3 = await newSession(noCodesLeft.id);
  await addKey(noCodesLeft, s3);
  await writeTransaction(async (tx) => {
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, noCodesLeft.id));
    await tx.update(users).set({ recoveryCodesLeft: 0 }).where(eq(users.id, noCodesLeft.id));
  });
  assert.equal((await withApp(noCodesLeft.id, s3)).length, 10, 'none were left: the app brings new ones');
});

test('adding or removing a key bumps both versions and ends the other sessions and sign-ins, not the one that made it', async () => {
  const user = await freshUser();
  const mine = await newSession(user.id);
  const other = await newSession(user.id);
  const pending = await createChallenge(user.id, 'verify', '/', (await row(user.id)).credentialsVersion);
  const before = await row(user.id);
  const { authenticator } = await addKey(user, mine);
  const after = await row(user.id);
  assert.deepEqual([after.twoFactorVersion, after.credentialsVersion], [before.twoFactorVersion + 1, before.credentialsVersion + 1]);
  assert.ok(await loadSession(mine), 'the session that added the key stays');
  assert.ok((await loadSession(mine))!.secondFactorAt, 'and counts as freshly verified');
  assert.equal(await loadSession(other), null);
  assert.equal(await findChallenge(pending), null);

  await addKey(user, mine);
  const third = await newSession(user.id);
  assert.equal(await removeOwnKey(user.id, authenticator.id, ctx(user.id, mine)), null);
  assert.equal(await loadSession(third), null);
  assert.ok(await loadSession(mine));
  assert.equal((await row(user.id)).credentialsVersion, after.credentialsVersion + 2);
});

test('removing the last second factor is turning 2FA off: refused while required, and the recovery codes go with it', async () => {
  const user = await freshUser();
  const session = await newSession(user.id);
  const { authenticator } = await addKey(user, session);
  await setUserTwoFactorRequired(user.id, true, operator);
  const live = await newSession(user.id);
  assert.equal(await removeOwnKey(user.id, authenticator.id, ctx(user.id, live)), 'required');
  assert.equal((await row(user.id)).webauthnKeyCount, 1, 'nothing changed');
  await setUserTwoFactorRequired(user.id, false, operator);
  const again = await newSession(user.id);
  assert.equal(await removeOwnKey(user.id, 'not-a-key-of-theirs', ctx(user.id, again)), 'not_found');
  assert.equal(await removeOwnKey(user.id, authenticator.id, ctx(user.id, again)), null);
  const stored = await row(user.id);
  assert.deepEqual([stored.webauthnKeyCount, stored.recoveryCodesLeft, stored.twoFactorState], [0, 0, 'none']);
  assert.deepEqual(await (await db()).select().from(recoveryCodes).where(eq(recoveryCodes.userId, user.id)), []);
  assert.equal(await audited(user.id, '2fa.disabled'), 1);
});

test('removing the app while keys remain keeps 2FA on and the codes, even when required; without keys it is refused', async () => {
  const user = await freshUser();
  const session = await newSession(user.id);
  await withApp(user.id, session);
  await setUserTwoFactorRequired(user.id, true, operator);
  const live = await newSession(user.id);
  assert.equal(await disableTwoFactor(user.id, ctx(user.id, live)), 'required', 'the app is the last factor');
  await addKey(user, live);
  assert.equal(await disableTwoFactor(user.id, ctx(user.id, live)), null);
  const stored = await row(user.id);
  assert.deepEqual([stored.totpEnabledAt, stored.totpSecret, stored.webauthnKeyCount, stored.recoveryCodesLeft, stored.twoFactorState], [null, null, 1, 10, 'enabled']);
  assert.equal(await audited(user.id, '2fa.app_removed'), 1);
});

test('an admin reset removes the keys, their open WebAuthn challenges and the count', async () => {
  const user = await freshUser();
  const session = await newSession(user.id);
  await addKey(user, session);
  await withApp(user.id, session);
  await authenticationOptions({ sessionId: session }, user.id);
  assert.equal(await resetTwoFactor(user.id, { actor: operator, orgId: org.id, ip: null }), true);
  const stored = await row(user.id);
  assert.deepEqual([stored.webauthnKeyCount, stored.totpEnabledAt, stored.recoveryCodesLeft, stored.twoFactorState], [0, null, 0, 'none']);
  assert.deepEqual(await listKeys(user.id), []);
  assert.deepEqual(await (await db()).select().from(webauthnChallenges).where(eq(webauthnChallenges.userId, user.id)), []);
});

test('a registration is stored only for a live session of a password user whose organization allows 2FA, or an open setup sign-in', async () => {
  const user = await freshUser();
  const ended = await newSession(user.id);
  const binding = { sessionId: ended };
  const options = await registrationOptions(user, binding);
  await revokeSession(ended);
  const refused = await verifyRegistration(user, binding, new SoftwareAuthenticator().register(options, here()), 'Key', null, guarded(user.id, binding));
  assert.deepEqual(refused, { ok: false, reason: 'not_allowed' });

  await createOrganization({ slug: 'kc-off', name: 'Off', policy: 'off' }, operator);
  const offUser = await freshUser('kc-off');
  const offSession = await newSession(offUser.id);
  await writeTransaction(async (tx) => assert.equal(await mayStillRegister(tx, offUser.id, { sessionId: offSession }), false));
  await setOrganizationPolicy(org.id, 'optional', operator);

  const setup = await freshUser();
  const token = await createChallenge(setup.id, 'setup', '/', (await row(setup.id)).credentialsVersion);
  const setupBinding = { challengeToken: token };
  const result = await verifyRegistration(setup, setupBinding, new SoftwareAuthenticator().register(await registrationOptions(setup, setupBinding), here()), 'Key', null, guarded(setup.id, setupBinding));
  assert.ok(result.ok && result.codes?.length === 10 && result.challengeToken);
  const [carried] = await (await db()).select().from(loginChallenges).where(eq(loginChallenges.id, tokenDigest(result.challengeToken)));
  assert.ok(carried?.secondFactorAt, 'the setup sign-in goes on, its second factor done');
  assert.equal(carried.credentialsVersion, (await row(setup.id)).credentialsVersion);
  assert.equal(await findChallenge(token), null, 'under a new token only');
  const again = { challengeToken: result.challengeToken };
  await writeTransaction(async (tx) => assert.equal(await mayStillRegister(tx, setup.id, again), false, 'a setup sign-in adds one factor'));
  assert.deepEqual(await (await db()).select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, setup.id)), []);
});
