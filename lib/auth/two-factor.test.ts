import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as OTPAuth from 'otpauth';
import { eq } from 'drizzle-orm';
import { db, writeTransaction } from '@/db';
import { users } from '@/db/schema';
import { createOrganization } from '@/lib/accounts/organizations';
import { changePassword, createUser, setUserTwoFactorRequired } from '@/lib/accounts/users';
import { config } from '@/lib/config';
import { beginEnrollment, cancelEnrollment, confirmEnrollment, pendingEnrollment } from './enrollment';
import { createChallenge, findChallenge } from './challenge';
import { verifySecondFactor } from './second-factor';
import { createSession, loadSession, revokeSession } from './session';
import { disableTwoFactor, regenerateRecoveryCodes, resetTwoFactor } from './two-factor-changes';

process.env.DESKGATE_LOG = 'off';
const operator = { kind: 'operator' } as const;
const org = await createOrganization({ slug: 'tf', name: 'TF', policy: 'optional' }, operator);
let n = 0;
async function freshUser() {
  n += 1;
  return createUser({ org: 'tf', email: `u${n}@tf.example`, name: `U${n}`, role: 'member', method: 'password', password: 'password-1' }, operator);
}
const codeAt = (secret: string, ms: number) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp: ms });
// Who started an enrollment, as a session (profile) or a setup challenge (interstitial) would.
const mine = { sessionId: 'session-of-this-browser' };
const other = { sessionId: 'session-of-another-browser' };
const userRow = async (userId: number) => (await (await db()).select().from(users).where(eq(users.id, userId)))[0]!;
const newSession = (userId: number) => writeTransaction((tx) => createSession(tx, userId, 'password', null));
const ctx = (userId: number) => ({ actor: { kind: 'user' as const, userId }, orgId: org.id, ip: '127.0.0.1' });

async function enrolled(now: number) {
  const user = await freshUser();
  const secret = await beginEnrollment(user.id, mine, now);
  const result = await confirmEnrollment(user.id, codeAt(secret, now), { owner: mine, audit: { orgId: org.id, actor: operator, targetUserId: user.id } }, now);
  assert.ok(result.ok);
  return { user, secret, codes: result.codes };
}

test('enrollment: the pending secret survives a reload, a wrong code changes nothing, the right one turns 2FA on', async () => {
  const user = await freshUser();
  const now = Date.now();
  const secret = await beginEnrollment(user.id, mine, now);
  assert.deepEqual(await pendingEnrollment(user.id, mine, now), { secret });
  const wrong = await confirmEnrollment(user.id, codeAt(secret, now - 5 * 60_000), { owner: mine, audit: { orgId: org.id, actor: operator } }, now);
  assert.deepEqual(wrong, { ok: false, reason: 'invalid', drift: -10 }, "a code 5 minutes old is refused, with the phone's clock as the likely cause");
  const far = await confirmEnrollment(user.id, codeAt(secret, now + 15 * 60_000), { owner: mine, audit: { orgId: org.id, actor: operator } }, now);
  assert.deepEqual(far, { ok: false, reason: 'invalid' }, '15 minutes away: no hint');
  assert.equal((await userRow(user.id)).totpSecret, null);
  const right = await confirmEnrollment(user.id, codeAt(secret, now), { owner: mine, audit: { orgId: org.id, actor: operator } }, now);
  assert.ok(right.ok && right.codes.length === 10);
  assert.equal(await pendingEnrollment(user.id, mine, now), null, 'the pending secret is gone');
  const expired = await beginEnrollment(user.id, mine, now - config().setupChallengeMs - 1);
  assert.ok(expired);
  assert.equal(await pendingEnrollment(user.id, mine, now), null, 'an expired pending secret is not shown');
});

test('a stale QR (2FA changed since it was shown) cannot overwrite the enrollment', async () => {
  const user = await freshUser();
  const now = Date.now();
  const first = await beginEnrollment(user.id, mine, now);
  // A second browser starts its own enrollment and confirms it first... then the first tries.
  const second = await beginEnrollment(user.id, mine, now);
  assert.ok((await confirmEnrollment(user.id, codeAt(second, now), { owner: mine, audit: { orgId: org.id, actor: operator } }, now)).ok);
  const stale = await confirmEnrollment(user.id, codeAt(first, now + 30_000), { owner: mine, audit: { orgId: org.id, actor: operator } }, now + 30_000);
  assert.equal(stale.ok, false);
  // Even a pending row re-created from before the change is refused by its version.
  assert.equal((await verifySecondFactor(user.id, { code: codeAt(second, now + 60_000) }, now + 60_000)).ok, true, 'the confirmed secret is the one that works');
});

test('a TOTP code is accepted once: replay refused, a later step accepted', async () => {
  const now = Date.now();
  const { user, secret } = await enrolled(now);
  const later = now + 30_000;
  assert.equal((await verifySecondFactor(user.id, { code: codeAt(secret, now) }, later)).ok, false, 'the enrollment code cannot be replayed');
  assert.equal((await verifySecondFactor(user.id, { code: codeAt(secret, later) }, later)).ok, true);
  assert.equal((await verifySecondFactor(user.id, { code: codeAt(secret, later) }, later)).ok, false, 'replay');
  assert.equal((await verifySecondFactor(user.id, { code: codeAt(secret, later + 30_000) }, later + 30_000)).ok, true);
  for (const junk of ['١٢٣٤٥٦', '1234567', '', 'abcdef']) assert.equal((await verifySecondFactor(user.id, { code: junk })).ok, false);
});

test('clock drift: a code 5 minutes fast or slow fails with how far off it is, counted as any failure; 15 minutes away, or an accepted step typed again, gets no hint', async () => {
  const now = Date.now();
  const { user, secret } = await enrolled(now - 60 * 60_000);
  const failures = async () => (await userRow(user.id)).secondFactorFailures;
  assert.deepEqual(await verifySecondFactor(user.id, { code: codeAt(secret, now + 5 * 60_000) }, now), { ok: false, drift: 10 }, 'fast');
  assert.deepEqual(await verifySecondFactor(user.id, { code: codeAt(secret, now - 5 * 60_000) }, now), { ok: false, drift: -10 }, 'slow');
  assert.deepEqual(await verifySecondFactor(user.id, { code: codeAt(secret, now - 15 * 60_000) }, now), { ok: false }, '15 minutes slow');
  assert.deepEqual(await verifySecondFactor(user.id, { code: codeAt(secret, now + 15 * 60_000) }, now), { ok: false }, '15 minutes fast');
  assert.equal(await failures(), 4, 'every one counted');
  // Signed in 4 minutes ago: a code from 5 minutes ago is older than the accepted step (a replay, not a clock).
  assert.equal((await verifySecondFactor(user.id, { code: codeAt(secret, now - 4 * 60_000) }, now - 4 * 60_000)).ok, true);
  assert.deepEqual(await verifySecondFactor(user.id, { code: codeAt(secret, now - 5 * 60_000) }, now), { ok: false }, 'at or before the last accepted step');
  assert.equal((await verifySecondFactor(user.id, { code: codeAt(secret, now) }, now)).ok, true, 'the right code still works');
  // The fast hint named a later step's code: when that step comes, the code is refused (a guesser learned it).
  const hinted = codeAt(secret, now + 5 * 60_000);
  assert.equal((await verifySecondFactor(user.id, { code: hinted }, now + 5 * 60_000)).ok, false, 'the hinted step is never accepted');
  assert.equal((await verifySecondFactor(user.id, { code: codeAt(secret, now + 5 * 60_000 + 30_000) }, now + 5 * 60_000 + 30_000)).ok, true, 'the next step is');
});

test('recovery codes: single use, counted down', async () => {
  const { user, codes } = await enrolled(Date.now());
  const result = await verifySecondFactor(user.id, { recoveryCode: codes[3]!.toLowerCase() });
  assert.deepEqual(result, { ok: true, kind: 'recovery', codesLeft: 9 });
  assert.equal((await verifySecondFactor(user.id, { recoveryCode: codes[3]! })).ok, false);
  const other = await enrolled(Date.now());
  assert.equal((await verifySecondFactor(other.user.id, { recoveryCode: codes[4]! })).ok, false, "another user's code");
});

test('a code and what it is used for commit together: a refused follow-up leaves the code unused', async () => {
  const { user, codes } = await enrolled(Date.now());
  const left = async () => (await userRow(user.id)).recoveryCodesLeft;
  const withdrawn = await verifySecondFactor(user.id, { recoveryCode: codes[0]! }, Date.now(), async (tx) => {
    await tx.update(users).set({ name: 'written in the same transaction' }).where(eq(users.id, user.id));
    return false;
  });
  assert.deepEqual(withdrawn, { ok: false, withdrawn: true });
  assert.equal(await left(), 10, 'the code is not used');
  assert.notEqual((await userRow(user.id)).name, 'written in the same transaction', 'the follow-up is rolled back too');
  const used = await verifySecondFactor(user.id, { recoveryCode: codes[0]! }, Date.now(), async (tx, accepted) => {
    await tx.update(users).set({ name: `left ${accepted.codesLeft}` }).where(eq(users.id, user.id));
    return true;
  });
  assert.deepEqual(used, { ok: true, kind: 'recovery', codesLeft: 9 });
  assert.equal((await userRow(user.id)).name, 'left 9');
  assert.equal(await left(), 9);
});

test('a setup belongs to the session that started it: others see no part of it and cannot confirm or cancel it', async () => {
  const user = await freshUser();
  const now = Date.now();
  const secret = await beginEnrollment(user.id, mine, now);
  assert.deepEqual(await pendingEnrollment(user.id, other, now), { elsewhere: true }, 'another session learns only that a setup exists');
  const forged = await confirmEnrollment(user.id, codeAt(secret, now), { owner: other, audit: { orgId: org.id, actor: operator } }, now);
  assert.deepEqual(forged, { ok: false, reason: 'superseded' });
  await cancelEnrollment(user.id, other);
  assert.deepEqual(await pendingEnrollment(user.id, mine, now), { secret }, "another session's cancel leaves it");
  assert.equal((await userRow(user.id)).totpSecret, null, 'nothing was turned on');
  // The other session starts its own: the first is superseded, and its confirmation is refused as such.
  const theirs = await beginEnrollment(user.id, other, now);
  assert.deepEqual(await confirmEnrollment(user.id, codeAt(secret, now), { owner: mine, audit: { orgId: org.id, actor: operator } }, now), { ok: false, reason: 'superseded' });
  assert.deepEqual(await pendingEnrollment(user.id, mine, now), { elsewhere: true });
  assert.ok((await confirmEnrollment(user.id, codeAt(theirs, now), { owner: other, audit: { orgId: org.id, actor: operator } }, now)).ok);
});

test('reconfigure keeps the old secret and codes until the new secret is confirmed', async () => {
  const now = Date.now();
  const { user, secret: old, codes: oldCodes } = await enrolled(now);
  const fresh = await beginEnrollment(user.id, mine, now + 30_000);
  assert.equal((await verifySecondFactor(user.id, { code: codeAt(old, now + 30_000) }, now + 30_000)).ok, true, 'old secret still works');
  assert.equal((await verifySecondFactor(user.id, { recoveryCode: oldCodes[0]! })).ok, true, 'old codes still work');
  const confirmed = await confirmEnrollment(user.id, codeAt(fresh, now + 60_000), { owner: mine, audit: { orgId: org.id, actor: operator } }, now + 60_000);
  assert.ok(confirmed.ok);
  assert.equal((await verifySecondFactor(user.id, { code: codeAt(old, now + 90_000) }, now + 90_000)).ok, false, 'old secret dead');
  assert.equal((await verifySecondFactor(user.id, { recoveryCode: oldCodes[1]! })).ok, false, 'old codes dead');
  assert.equal((await verifySecondFactor(user.id, { recoveryCode: confirmed.codes[0]! })).ok, true);
});

test('regenerate kills old codes at once; disable and reset remove everything', async () => {
  const { user, codes } = await enrolled(Date.now());
  const keep = await newSession(user.id);
  const other = await newSession(user.id);
  const regenerated = await regenerateRecoveryCodes(user.id, { ...ctx(user.id), sessionId: keep });
  assert.ok('codes' in regenerated);
  const fresh = regenerated.codes;
  assert.equal((await verifySecondFactor(user.id, { recoveryCode: codes[0]! })).ok, false);
  assert.equal(await loadSession(other), null, 'other sessions end');
  assert.ok(await loadSession(keep), 'this session stays');
  assert.equal(await disableTwoFactor(user.id, { ...ctx(user.id), sessionId: keep }), null);
  assert.equal((await verifySecondFactor(user.id, { recoveryCode: fresh[0]! })).ok, false);
  const row = await userRow(user.id);
  assert.deepEqual([row.totpSecret, row.totpEnabledAt, row.recoveryCodesLeft], [null, null, 0]);

  const again = await enrolled(Date.now());
  const s = await newSession(again.user.id);
  assert.equal(await resetTwoFactor(again.user.id, { actor: operator, orgId: org.id + 999, ip: null }), false, 'another organization cannot reset');
  assert.ok(await loadSession(s));
  assert.equal(await resetTwoFactor(again.user.id, { actor: operator, orgId: org.id, ip: null, reason: 'lost phone' }), true);
  assert.equal(await loadSession(s), null, 'reset ends every session');
});

test('the second-factor throttle: counted before the check, 10 failures lock, success resets', async () => {
  const now = Date.now();
  const { user, secret } = await enrolled(now);
  for (let i = 0; i < 9; i++) assert.equal((await verifySecondFactor(user.id, { code: '000000' }, now)).ok, false);
  assert.equal((await verifySecondFactor(user.id, { code: codeAt(secret, now + 30_000) }, now + 30_000)).ok, true, 'a success resets the count');
  for (let i = 0; i < 10; i++) assert.deepEqual(await verifySecondFactor(user.id, { code: '000000' }, now + 30_000), { ok: false }, `failure ${i + 1} is not locked yet`);
  const locked = await verifySecondFactor(user.id, { code: codeAt(secret, now + 60_000) }, now + 60_000);
  assert.ok(!locked.ok && locked.lockedUntil && locked.lockedUntil > now, 'the 11th attempt is locked, even with the right code');
  const later = now + 60_000 + config().secondFactor.lockMs + 1000;
  assert.equal((await verifySecondFactor(user.id, { code: codeAt(secret, later) }, later)).ok, true, 'the lock ends');
});

test('disable and regenerate re-check the session and the policy inside their transaction', async () => {
  const { user, codes } = await enrolled(Date.now());
  const revoked = await newSession(user.id);
  await revokeSession(revoked);
  assert.deepEqual(await regenerateRecoveryCodes(user.id, { ...ctx(user.id), sessionId: revoked }), { refused: 'signed_out' });
  assert.equal(await disableTwoFactor(user.id, { ...ctx(user.id), sessionId: revoked }), 'signed_out');
  const live = await newSession(user.id);
  // Required since the page was loaded (the password check takes a while): disable is refused.
  await setUserTwoFactorRequired(user.id, true, operator);
  assert.equal(await disableTwoFactor(user.id, { ...ctx(user.id), sessionId: live }), 'required');
  const row = await userRow(user.id);
  assert.ok(row.totpSecret && row.recoveryCodesLeft === 10, '2FA is untouched');
  assert.equal((await verifySecondFactor(user.id, { recoveryCode: codes[0]! })).ok, true, 'the codes still work');
});

test('a forced setup that confirms goes on under a new challenge token: a copy of the old cookie names nothing', async () => {
  const user = await freshUser();
  const now = Date.now();
  const copied = await createChallenge(user.id, 'setup', '/', 0);
  const secret = await beginEnrollment(user.id, { challengeToken: copied }, now);
  const result = await confirmEnrollment(user.id, codeAt(secret, now), { owner: { challengeToken: copied }, audit: { orgId: org.id, actor: operator } }, now);
  assert.ok(result.ok && result.challengeToken && result.challengeToken !== copied);
  assert.equal(await findChallenge(copied), null, 'the copied token cannot continue the sign-in');
  assert.ok((await findChallenge(result.challengeToken))?.secondFactorAt, 'the confirming browser can');
});

test('a forced setup whose password step saw older credentials cannot confirm: a password changed meanwhile ends it', async () => {
  const user = await freshUser();
  const now = Date.now();
  // The attacker's password step read version 0 and hashed; the owner changed the password meanwhile,
  // and only then was the attacker's challenge written (with what the password step had read).
  const session = await newSession(user.id);
  assert.equal(await changePassword(user.id, 'a-new-password-2', { orgId: org.id, ip: null, sessionId: session }), true);
  const stale = await createChallenge(user.id, 'setup', '/', 0);
  const secret = await beginEnrollment(user.id, { challengeToken: stale }, now);
  const result = await confirmEnrollment(user.id, codeAt(secret, now), { owner: { challengeToken: stale }, audit: { orgId: org.id, actor: operator } }, now);
  assert.deepEqual(result, { ok: false, reason: 'expired' });
  assert.equal((await userRow(user.id)).totpEnabledAt, null, '2FA stays off');
  assert.ok(await loadSession(session), "the owner's session lives on");
});

test('a password change ends a setup another session started: its confirmation finds nothing', async () => {
  const user = await freshUser();
  const now = Date.now();
  const thief = await newSession(user.id);
  const owner = await newSession(user.id);
  const secret = await beginEnrollment(user.id, { sessionId: thief }, now);
  assert.equal(await changePassword(user.id, 'a-new-password-3', { orgId: org.id, ip: null, sessionId: owner }), true);
  const result = await confirmEnrollment(user.id, codeAt(secret, now), { owner: { sessionId: thief }, audit: { orgId: org.id, actor: operator } }, now);
  assert.deepEqual(result, { ok: false, reason: 'expired' });
  assert.equal((await userRow(user.id)).totpEnabledAt, null, "the thief's secret was not installed");
  assert.ok(await loadSession(owner), "the owner's session lives on");
});
