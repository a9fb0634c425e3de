import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { db } from '@/db';
import { organizations, users } from '@/db/schema';
import { createSession, revokeSession } from '@/lib/auth/session';
import { resetTwoFactor } from '@/lib/auth/two-factor-changes';
import { createOrganization, isLowering, setOrganizationPolicy } from './organizations';
import { createUser, setUserTwoFactorRequired } from './users';

process.env.DESKGATE_LOG = 'off';
const operator = { kind: 'operator' } as const;
const org = createOrganization({ slug: 'admin-changes', name: 'Admin changes', policy: 'optional' }, operator);
const admin = await createUser({ org: 'admin-changes', email: 'admin@ac.example', name: 'A', role: 'admin', method: 'password', password: 'password-1' }, operator);
const member = await createUser({ org: 'admin-changes', email: 'member@ac.example', name: 'M', role: 'member', method: 'password', password: 'password-1' }, operator);
const policy = () => db().select({ p: organizations.twoFactorPolicy }).from(organizations).where(eq(organizations.id, org.id)).get()!.p;
const required = () => db().select({ r: users.twoFactorRequired }).from(users).where(eq(users.id, member.id)).get()!.r;

test('lowering the policy is any change that lifts 2FA from someone: Required to anything, Optional to Off', () => {
  assert.deepEqual(
    [isLowering('required', 'optional'), isLowering('required', 'off'), isLowering('optional', 'off'), isLowering('off', 'optional'), isLowering('optional', 'required')],
    [true, true, true, false, false],
  );
  // Without the step-up (mayLower false), a lowering is refused inside the transaction; a raise goes through.
  assert.ok('needsStepUp' in setOrganizationPolicy(org.id, 'off', operator, null, false));
  assert.equal(policy(), 'optional');
  assert.equal(setOrganizationPolicy(org.id, 'required', operator, null, false).changed, true);
  assert.ok('needsStepUp' in setOrganizationPolicy(org.id, 'optional', operator, null, false));
  assert.equal(setOrganizationPolicy(org.id, 'optional', operator).changed, true);
});

test("an admin change re-checks, inside its transaction, that the admin's session is live and still an admin's", () => {
  const ended = createSession(db(), admin.id, 'password', null);
  revokeSession(ended);
  const acting = { kind: 'user' as const, userId: admin.id, sessionId: ended };
  assert.ok('refused' in setUserTwoFactorRequired(member.id, true, acting));
  assert.ok('refused' in setOrganizationPolicy(org.id, 'required', acting));
  assert.equal(resetTwoFactor(member.id, { actor: acting, orgId: org.id, ip: null }), false);
  assert.equal(required(), false);
  assert.equal(policy(), 'optional');

  const live = createSession(db(), admin.id, 'password', null);
  const demoted = { kind: 'user' as const, userId: admin.id, sessionId: live };
  db().update(users).set({ role: 'member' }).where(eq(users.id, admin.id)).run();
  assert.ok('refused' in setUserTwoFactorRequired(member.id, true, demoted), 'no longer an admin');
  db().update(users).set({ role: 'admin' }).where(eq(users.id, admin.id)).run();
  assert.equal(setUserTwoFactorRequired(member.id, true, demoted).changed, true, 'a live admin session may');
  assert.equal(required(), true);
});
