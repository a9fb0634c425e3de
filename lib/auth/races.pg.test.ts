import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import { count, eq } from 'drizzle-orm';
import { db } from '@/db';
import { sessions, throttleHits, users } from '@/db/schema';
import { createOrganization } from '@/lib/accounts/organizations';
import { createUser } from '@/lib/accounts/users';
import { config } from '@/lib/config';
import { createChallenge, redeemReadyChallenge } from './challenge';
import { beginEnrollment, confirmEnrollment } from './enrollment';
import { verifySecondFactor } from './second-factor';
import { countAttempt } from './throttle';

// Parallel calls each take their own pooled connection: the database sees what two instances'
// requests make it see, and only its locks and conditional updates keep the rules. PostgreSQL only:
// SQLite runs one write transaction at a time (db/index.sqlite.test.ts).
const PARALLEL = Math.min(8, config().postgres.poolSize);

process.env.DESKGATE_LOG = 'off';
const operator = { kind: 'operator' } as const;
const codeAt = (secret: string, ms: number) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp: ms });
const all = <T>(attempt: () => Promise<T>) => Promise.all(Array.from({ length: PARALLEL }, attempt));
let n = 0;

async function enrolled(now: number) {
  n += 1;
  const user = await createUser({ org: 'races', email: `r${n}@races.example`, name: `R${n}`, role: 'member', method: 'password', password: 'password-1' }, operator);
  const owner = { sessionId: `setup-${n}` };
  const secret = await beginEnrollment(user.id, owner, now);
  const result = await confirmEnrollment(user.id, codeAt(secret, now), { owner, audit: { orgId: user.orgId, actor: operator } }, now);
  assert.ok(result.ok);
  return { user, secret, codes: result.codes };
}

await createOrganization({ slug: 'races', name: 'Races', policy: 'optional' }, operator);

test('one TOTP code submitted in parallel is accepted once', async () => {
  const now = Date.now();
  const { user, secret } = await enrolled(now);
  const later = now + 30_000;
  const results = await all(() => verifySecondFactor(user.id, { code: codeAt(secret, later) }, later));
  assert.equal(results.filter((r) => r.ok).length, 1, JSON.stringify(results));
});

test('one recovery code submitted in parallel is consumed once', async () => {
  const { user, codes } = await enrolled(Date.now());
  const results = await all(() => verifySecondFactor(user.id, { recoveryCode: codes[0]! }));
  assert.equal(results.filter((r) => r.ok).length, 1, JSON.stringify(results));
  const [row] = await (await db()).select({ left: users.recoveryCodesLeft }).from(users).where(eq(users.id, user.id));
  assert.equal(row!.left, 9);
});

test('parallel attempts at the limit are counted exactly limit times before the key locks', async () => {
  const limit = 3;
  const key = `pw:email:${randomBytes(6).toString('hex')}@races.example`;
  const rule = { key, limit, windowMs: 60_000, lockMs: 60_000 };
  const now = Date.now();
  const results = await Promise.all(Array.from({ length: 4 * limit }, () => countAttempt([rule], now)));
  assert.equal(results.filter((r) => 'hitIds' in r).length, limit, JSON.stringify(results));
  const [hits] = await (await db()).select({ n: count() }).from(throttleHits).where(eq(throttleHits.key, key));
  assert.equal(hits!.n, limit + 1, 'the attempt that locked is the only one counted past the limit');
});

test('one ready challenge redeemed in parallel makes one session', async () => {
  const { user } = await enrolled(Date.now());
  const [row] = await (await db()).select({ v: users.credentialsVersion }).from(users).where(eq(users.id, user.id));
  const ready = await createChallenge(user.id, 'ready', '/', row!.v);
  const results = await all(() => redeemReadyChallenge(ready));
  assert.equal(results.filter((r) => r !== null).length, 1, JSON.stringify(results));
  const [made] = await (await db()).select({ n: count() }).from(sessions).where(eq(sessions.userId, user.id));
  assert.equal(made!.n, 1);
});
