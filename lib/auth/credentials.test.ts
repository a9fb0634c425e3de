import { test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { db, writeTransaction } from '@/db';
import { auditEvents, users } from '@/db/schema';
import { createOrganization } from '@/lib/accounts/organizations';
import { createUser } from '@/lib/accounts/users';
import { checkPassword, knownDevice } from './credentials';
import { deviceTokenHolds, readDeviceToken, signDeviceToken } from './device-token';

process.env.DESKGATE_LOG = 'off';
process.env.DESKGATE_LOGIN_EMAIL_FAILURES = '3';
process.env.DESKGATE_LOGIN_LOCKED_DELAY_MS = '60';
// A stand-in for the bcrypt pool that counts what it is asked to do.
const pool = { hashes: 0, compares: 0 };
Object.assign(globalThis, {
  deskgatePasswordPool: {
    hash: async (password: string) => (pool.hashes++, `fake:${password}`),
    compare: async (password: string, hash: string) => (pool.compares++, hash === `fake:${password}`),
  },
});

const operator = { kind: 'operator' } as const;
await createOrganization({ slug: 'cr', name: 'CR', policy: 'optional' }, operator);
let n = 0;
async function freshUser() {
  n += 1;
  return createUser({ org: 'cr', email: `u${n}@cr.example`, name: `U${n}`, role: 'member', method: 'password', password: 'right-password' }, operator);
}
const hashOf = async (userId: number) => (await (await db()).select({ hash: users.passwordHash }).from(users).where(eq(users.id, userId)))[0]!.hash!;
const tokenFor = async (userId: number) => signDeviceToken(userId, await hashOf(userId));
const deviceOf = async (userId: number) => knownDevice(readDeviceToken(await tokenFor(userId)));
const attacker = '203.0.113.7';

async function lockOut(email: string) {
  for (let i = 0; i < 4; i++) await checkPassword(email, `wrong-${i}`, attacker);
  const refused = await checkPassword(email, 'right-password', attacker);
  assert.ok(!refused.ok && refused.locked, 'locked, even with the right password');
}

test('a lock on the email does not apply to the owner’s known device; the attacker stays locked', async () => {
  const user = await freshUser();
  const device = await deviceOf(user.id);
  await lockOut(user.email);
  const owner = await checkPassword(user.email, 'right-password', '198.51.100.9', device);
  assert.equal(owner.ok, true);
  const again = await checkPassword(user.email, 'right-password', attacker);
  assert.equal(again.ok, false, 'the owner’s success does not lift the lock on the email');
});

test('a known device counts its own failures and locks on its own; unknown clients are not affected', async () => {
  const user = await freshUser();
  const device = await deviceOf(user.id);
  for (let i = 0; i < 4; i++) await checkPassword(user.email, `wrong-${i}`, attacker, device);
  const locked = await checkPassword(user.email, 'right-password', attacker, device);
  assert.ok(!locked.ok && locked.locked);
  assert.equal((await checkPassword(user.email, 'right-password', attacker)).ok, true);
});

test('a device cookie of another user, or a forged one, is an unknown client', async () => {
  const [user, other] = [await freshUser(), await freshUser()];
  await lockOut(user.email);
  assert.equal((await checkPassword(user.email, 'right-password', attacker, await deviceOf(other.id))).ok, false);
  const token = await tokenFor(other.id);
  const holds = async (value: string, userId: number) => deviceTokenHolds(readDeviceToken(value)!, await hashOf(userId));
  assert.equal(await holds(token, other.id), true);
  assert.equal(await holds(token.replace(/^\d+/, String(user.id)), user.id), false, 'the user id is signed');
  const [id, nonce, mac] = token.split('.') as [string, string, string];
  assert.equal(await holds(`${id}.${nonce}.${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`, other.id), false, 'the signature is checked');
  assert.equal(await holds(`${id}.${(await tokenFor(other.id)).split('.')[1]}.${mac}`, other.id), false, 'the nonce is signed');
  assert.equal(readDeviceToken('garbage'), null);
  assert.equal(readDeviceToken(undefined), null);
});

test('a password change retires the device cookies issued before it', async () => {
  const user = await freshUser();
  const device = await deviceOf(user.id);
  await writeTransaction((tx) => tx.update(users).set({ passwordHash: 'fake:new-password' }).where(eq(users.id, user.id)));
  await lockOut(user.email);
  assert.equal((await checkPassword(user.email, 'new-password', '198.51.100.9', device)).ok, false, 'counted as an unknown client: locked');
  assert.equal((await checkPassword(user.email, 'new-password', '198.51.100.9', await deviceOf(user.id))).ok, true, 'a cookie issued since holds');
});

test('a locked or over-limit attempt answers after the fixed delay without hashing', async () => {
  const user = await freshUser();
  for (let i = 0; i < 3; i++) await checkPassword(user.email, `wrong-${i}`, attacker);
  const before = pool.compares;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const result = await checkPassword(user.email, i === 2 ? 'right-password' : `wrong-${i}`, attacker);
    assert.ok(!result.ok && result.locked);
    assert.ok(performance.now() - started >= 55, 'answered after the delay');
  }
  assert.equal(pool.compares, before, 'no bcrypt comparison for the attempt over the limit nor the locked ones');
});

test('repeated failures of one email write one audit event per lock, not one per attempt', async () => {
  const user = await freshUser();
  for (let i = 0; i < 12; i++) await checkPassword(user.email, `wrong-${i}`, attacker);
  const events = await (await db()).select({ action: auditEvents.action, detail: auditEvents.detail }).from(auditEvents).where(and(eq(auditEvents.targetUserId, user.id), eq(auditEvents.action, 'sign_in.locked')));
  assert.deepEqual(events, [{ action: 'sign_in.locked', detail: JSON.stringify({ throttle: 'email' }) }]);
});
