import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as OTPAuth from 'otpauth';
import { and, eq, isNull } from 'drizzle-orm';
import { db } from '@/db';
import { recoveryCodes, users } from '@/db/schema';
import { createOrganization } from '@/lib/accounts/organizations';
import { createUser } from '@/lib/accounts/users';
import { config } from '@/lib/config';
import { beginEnrollment, confirmEnrollment } from './enrollment';
import { isSecondFactorSuspended, verifySecondFactor } from './second-factor';
import { resetTwoFactor } from './two-factor-changes';

process.env.DESKGATE_LOG = 'off';
const operator = { kind: 'operator' } as const;
const org = await createOrganization({ slug: 'cap', name: 'Cap', policy: 'optional' }, operator);
const codeAt = (secret: string, ms: number) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp: ms });
// Far enough apart that the sliding-window lock (10 per 15 minutes) never trips: only the cap counts.
const SPACING = 100_000;
let n = 0;

async function enrolled(now: number) {
  n += 1;
  const user = await createUser({ org: 'cap', email: `c${n}@cap.example`, name: `C${n}`, role: 'member', method: 'password', password: 'password-1' }, operator);
  const owner = { sessionId: `setup-${n}` };
  const secret = await beginEnrollment(user.id, owner, now);
  const result = await confirmEnrollment(user.id, codeAt(secret, now), { owner, audit: { orgId: org.id, actor: operator, targetUserId: user.id } }, now);
  assert.ok(result.ok);
  return { user, secret, codes: result.codes };
}

const failures = async (userId: number) => (await (await db()).select({ n: users.secondFactorFailures }).from(users).where(eq(users.id, userId)))[0]!.n;
const unusedCodes = async (userId: number) => (await (await db()).select().from(recoveryCodes).where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)))).length;

/** `count` wrong attempts (TOTP and recovery codes alternating), each after the previous by SPACING. */
async function fail(userId: number, count: number, from: number) {
  const results = [];
  for (let i = 0; i < count; i++) results.push(await verifySecondFactor(userId, i % 2 ? { recoveryCode: 'WRNG-WRNG-WRNG-WRNG' } : { code: 'abcdef' }, from + i * SPACING));
  return results;
}

test('the hard cap defaults to 100 consecutive failures', () => {
  assert.equal(config().secondFactor.maxFailures, 100);
  assert.equal(isSecondFactorSuspended(99), false);
  assert.equal(isSecondFactorSuspended(100), true);
});

test('100 consecutive failures suspend the second step: the right code is refused, unchecked, until an admin reset', async () => {
  const start = Date.now();
  const { user, secret, codes } = await enrolled(start);
  const results = await fail(user.id, 100, start + SPACING);
  assert.ok(results.every((r) => !r.ok && !r.lockedUntil), 'the sliding-window lock never tripped: only the cap is tested');
  assert.deepEqual(results.slice(0, 99).filter((r) => !r.ok && r.suspended).length, 0, 'failures 1 to 99 do not suspend');
  assert.deepEqual(results[99], { ok: false, suspended: true, tripped: true }, 'the 100th failure trips the cap, once');
  assert.equal(await failures(user.id), 100);

  let now = start + 101 * SPACING;
  assert.deepEqual(await verifySecondFactor(user.id, { code: codeAt(secret, now) }, now), { ok: false, suspended: true }, 'the right code is refused');
  assert.deepEqual(await verifySecondFactor(user.id, { recoveryCode: codes[0]! }, now), { ok: false, suspended: true }, 'so is a recovery code');
  assert.equal(await unusedCodes(user.id), 10, 'the refused recovery code was not even checked: still unused');
  assert.equal(await failures(user.id), 100, 'refused attempts are not counted past the cap');
  now += 24 * 3600_000;
  assert.deepEqual(await verifySecondFactor(user.id, { code: codeAt(secret, now) }, now), { ok: false, suspended: true }, 'time does not lift it');

  assert.equal(await resetTwoFactor(user.id, { actor: operator, orgId: org.id, ip: null }), true);
  assert.equal(await failures(user.id), 0, 'an admin or operator reset lifts the cap');
});

test('a success resets the consecutive count: 99 failures, a success, 99 more do not suspend', async () => {
  const start = Date.now();
  const { user, secret } = await enrolled(start);
  await fail(user.id, 99, start + SPACING);
  assert.equal(await failures(user.id), 99);
  let now = start + 100 * SPACING;
  assert.equal((await verifySecondFactor(user.id, { code: codeAt(secret, now) }, now)).ok, true, 'the 100th attempt, right, is accepted');
  assert.equal(await failures(user.id), 0);
  const again = await fail(user.id, 99, now + SPACING);
  assert.ok(again.every((r) => !r.ok && !r.suspended));
  now += 100 * SPACING;
  assert.equal((await verifySecondFactor(user.id, { code: codeAt(secret, now) }, now)).ok, true);
});

test('an attempt refused by the sliding-window lock is not a guess: it does not count toward the cap', async () => {
  const now = Date.now();
  const { user } = await enrolled(now);
  for (let i = 0; i < 15; i++) await verifySecondFactor(user.id, { code: 'abcdef' }, now + 1000);
  assert.equal(await failures(user.id), config().secondFactor.userFailures, 'only the attempts the window let through were counted');
});
