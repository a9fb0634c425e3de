import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { db, writeTransaction } from '@/db';
import { organizations, users } from '@/db/schema';
import { createSession, revokeSession } from '@/lib/auth/session';
import { resetTwoFactor } from '@/lib/auth/two-factor-changes';
import { createOrganization, isLowering, setOrganizationPolicy } from './organizations';
import { createUser, setUserTwoFactorRequired } from './users';

process.env.DESKGATE_LOG = 'off';
const operator = { kind: 'operator' } as const;
const org = await createOrganization({ slug: 'admin-changes', name: 'Admin changes', policy: 'optional' }, operator);
const admin = await createUser({ org: 'admin-changes', email: 'admin@ac.example', name: 'A', role: 'admin', method: 'password', password: 'password-1' }, operator);
const member = await createUser({ org: 'admin-changes', email: 'member@ac.example', name: 'M', role: 'member', method: 'password', password: 'password-1' }, operator);
const policy = async () => (await (await db()).select({ p: organizations.twoFactorPolicy }).from(organizations).where(eq(organizations.id, org.id)))[0]!.p;
const required = async () => (await (await db()).select({ r: users.twoFactorRequired }).from(users).where(eq(users.id, member.id)))[0]!.r;
const adminSession = () => writeTransaction((tx) => createSession(tx, admin.id, 'password', null));
const setRole = (role: 'admin' | 'member') => writeTransaction((tx) => tx.update(users).set({ role }).where(eq(users.id, admin.id)));

test('lowering the policy is any change that lifts 2FA from someone: Required to anything, Optional to Off', async () => {
  assert.deepEqual(
    [isLowering('required', 'optional'), isLowering('required', 'off'), isLowering('optional', 'off'), isLowering('off', 'optional'), isLowering('optional', 'required')],
    [true, true, true, false, false],
  );
  // Without the step-up (mayLower false), a lowering is refused inside the transaction; a raise goes through.
  assert.ok('needsStepUp' in (await setOrganizationPolicy(org.id, 'off', operator, null, false)));
  assert.equal(await policy(), 'optional');
  assert.equal((await setOrganizationPolicy(org.id, 'required', operator, null, false)).changed, true);
  assert.ok('needsStepUp' in (await setOrganizationPolicy(org.id, 'optional', operator, null, false)));
  assert.equal((await setOrganizationPolicy(org.id, 'optional', operator)).changed, true);
});

test("an admin change re-checks, inside its transaction, that the admin's session is live and still an admin's", async () => {
  const ended = await adminSession();
  await revokeSession(ended);
  const acting = { kind: 'user' as const, userId: admin.id, sessionId: ended };
  assert.ok('refused' in (await setUserTwoFactorRequired(member.id, true, acting)));
  assert.ok('refused' in (await setOrganizationPolicy(org.id, 'required', acting)));
  assert.equal(await resetTwoFactor(member.id, { actor: acting, orgId: org.id, ip: null }), false);
  assert.equal(await required(), false);
  assert.equal(await policy(), 'optional');

  const live = await adminSession();
  const demoted = { kind: 'user' as const, userId: admin.id, sessionId: live };
  await setRole('member');
  assert.ok('refused' in (await setUserTwoFactorRequired(member.id, true, demoted)), 'no longer an admin');
  await setRole('admin');
  assert.equal((await setUserTwoFactorRequired(member.id, true, demoted)).changed, true, 'a live admin session may');
  assert.equal(await required(), true);
});
