import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as OTPAuth from 'otpauth';
import { asc, eq } from 'drizzle-orm';
import { db, writeTransaction } from '@/db';
import { mailOutbox } from '@/db/schema';
import { createOrganization } from '@/lib/accounts/organizations';
import { changePassword, createUser } from '@/lib/accounts/users';
import { audit } from '@/lib/audit';
import type { AuditAction } from '@/lib/audit-events';
import { beginEnrollment, confirmEnrollment } from '@/lib/auth/enrollment';
import { verifySecondFactor } from '@/lib/auth/second-factor';
import { createSession } from '@/lib/auth/session';
import { disableTwoFactor, regenerateRecoveryCodes, resetTwoFactor } from '@/lib/auth/two-factor-changes';
import { config } from '@/lib/config';
import { openMail } from './outbox';

process.env.DESKGATE_LOG = 'off';
const operator = { kind: 'operator' } as const;
const org = await createOrganization({ slug: 'notify', name: 'Notify', policy: 'optional' }, operator);
const codeAt = (secret: string, ms: number) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp: ms });
let n = 0;
const freshUser = (method: 'password' | 'sso' = 'password', role: 'member' | 'admin' = 'member') => {
  n += 1;
  return createUser({ org: 'notify', email: `n${n}@notify.example`, name: `Person ${n}`, role, method, password: method === 'password' ? 'password-1' : undefined }, operator);
};
const mailsTo = async (to: string) => (await (await db()).select().from(mailOutbox).where(eq(mailOutbox.toAddress, to)).orderBy(asc(mailOutbox.id))).map(openMail);
const kinds = async (to: string) => (await mailsTo(to)).map((m) => m.kind);
const session = (userId: number) => writeTransaction((tx) => createSession(tx, userId, 'password', null));
const ip = '203.0.113.7';

async function enrolled(now = Date.now()) {
  const user = await freshUser();
  const sessionId = await session(user.id);
  const secret = await beginEnrollment(user.id, { sessionId }, now);
  const result = await confirmEnrollment(user.id, codeAt(secret, now), { owner: { sessionId }, audit: { orgId: org.id, actor: { kind: 'user', userId: user.id }, targetUserId: user.id, ip } }, now);
  assert.ok(result.ok);
  return { user, secret, sessionId, codes: result.codes };
}

test('turning 2FA on mails the user once: when (UTC), from which address, what to do if it was not them; no secret in it', async () => {
  const before = Date.now();
  const { user, secret, codes } = await enrolled(before);
  const mails = await mailsTo(user.email);
  assert.deepEqual(mails.map((m) => m.kind), ['2fa.enabled']);
  const [mail] = mails;
  assert.equal(mail!.userId, user.id);
  assert.equal(mail!.subject, `${config().appName}: Two-factor authentication turned on`);
  assert.match(mail!.textBody!, /^Hello Person \d+,/);
  assert.match(mail!.textBody!, /^When: \d{4}-\d\d-\d\d \d\d:\d\d UTC$/m);
  assert.match(mail!.textBody!, /^From address: 203\.0\.113\.7$/m);
  assert.match(mail!.textBody!, /If this wasn’t you/);
  assert.match(mail!.textBody!, /\/profile\/2fa/);
  for (const body of [mail!.textBody!, mail!.htmlBody!]) {
    assert.ok(!body.includes(secret), 'no TOTP secret');
    for (const code of codes) assert.ok(!body.includes(code), 'no recovery code');
  }
  assert.match(mail!.htmlBody!, /<th scope="row"[^>]*>From address<\/th><td>203\.0\.113\.7<\/td>/);
});

test('a notification is written in the change’s transaction: a change rolled back mails nothing', async () => {
  const user = await freshUser();
  await assert.rejects(
    writeTransaction(async (tx) => {
      await audit(tx, { orgId: org.id, actor: { kind: 'user', userId: user.id }, targetUserId: user.id, action: 'password.changed', ip });
      throw new Error('the change failed');
    }),
  );
  assert.deepEqual(await kinds(user.email), []);
});

test('reconfigure, new codes, turn off, password change: one mail each', async () => {
  const now = Date.now();
  const { user, sessionId } = await enrolled(now);
  const secret = await beginEnrollment(user.id, { sessionId }, now + 30_000);
  assert.ok((await confirmEnrollment(user.id, codeAt(secret, now + 60_000), { owner: { sessionId }, audit: { orgId: org.id, actor: { kind: 'user', userId: user.id }, targetUserId: user.id, ip } }, now + 60_000)).ok);
  const ctx = { actor: { kind: 'user' as const, userId: user.id }, orgId: org.id, ip, sessionId };
  assert.ok('codes' in (await regenerateRecoveryCodes(user.id, ctx)));
  assert.equal(await disableTwoFactor(user.id, ctx), null);
  assert.equal(await changePassword(user.id, 'password-2', { orgId: org.id, ip, sessionId }), true);
  assert.deepEqual(await kinds(user.email), ['2fa.enabled', '2fa.reconfigured', '2fa.recovery_codes_regenerated', '2fa.disabled', 'password.changed']);
});

test('an admin’s reset names the admin; an operator’s says it came from the command line', async () => {
  const { user } = await enrolled();
  const admin = await freshUser('password', 'admin');
  const adminSession = await session(admin.id);
  assert.equal(await resetTwoFactor(user.id, { actor: { kind: 'user', userId: admin.id, sessionId: adminSession }, orgId: org.id, ip: '198.51.100.4', reason: 'lost phone' }), true);
  const byAdmin = (await mailsTo(user.email)).at(-1)!;
  assert.equal(byAdmin.kind, '2fa.reset');
  assert.match(byAdmin.textBody!, new RegExp(`^By: ${admin.name} \\(${admin.email}\\), an administrator$`, 'm'));
  assert.match(byAdmin.textBody!, /^From address: 198\.51\.100\.4$/m);
  assert.deepEqual(await kinds(admin.email), [], 'the admin is not mailed about someone else’s account');

  const { user: other } = await enrolled();
  assert.equal(await resetTwoFactor(other.id, { actor: operator, orgId: org.id, ip: null }), true);
  const byOperator = (await mailsTo(other.email)).at(-1)!;
  assert.match(byOperator.textBody!, /^By: an operator, from the command line$/m);
  assert.doesNotMatch(byOperator.textBody!, /From address/);
});

test('a recovery code used says how many are left, with a warning at 3 or fewer', async () => {
  const user = await freshUser();
  const used = (codesLeft: number, action: AuditAction = 'sign_in.recovery_code_used') =>
    writeTransaction((tx) => audit(tx, { orgId: org.id, actor: { kind: 'user', userId: user.id }, targetUserId: user.id, action, detail: { method: 'password', secondFactor: 'recovery', codesLeft }, ip }));
  await used(9);
  await used(3);
  await used(0, 'step_up.recovery_code_used');
  const [nine, three, none] = await mailsTo(user.email);
  assert.equal(nine!.kind, 'recovery_code_used');
  assert.match(nine!.textBody!, /^Recovery codes left: 9$/m);
  assert.doesNotMatch(nine!.textBody!, /Make new ones/);
  assert.match(three!.subject, /\(3 left\)/);
  assert.match(three!.textBody!, /Only 3 recovery codes are left\. Make new ones soon/);
  assert.match(none!.textBody!, /to confirm a change/);
  assert.match(none!.textBody!, /You have no recovery codes left\. Make new ones now/);
});

test('the second step locked: one mail when the lock begins, none for the attempts it refuses', async () => {
  const { user } = await enrolled();
  const now = Date.now();
  const { userFailures } = config().secondFactor;
  let began = 0;
  for (let i = 0; i < userFailures + 3; i++) {
    const result = await verifySecondFactor(user.id, { code: 'abcdef' }, now + i);
    if (result.ok || !result.lockedUntil) continue;
    if (result.lockBegan) began++;
    // As the verify action audits each refusal.
    await writeTransaction((tx) => audit(tx, { orgId: org.id, actor: { kind: 'system' }, targetUserId: user.id, action: 'sign_in.locked', detail: { factor: 'totp', ...(result.lockBegan && { began: true }) }, ip }));
  }
  assert.equal(began, 1, 'one attempt begins the lock');
  assert.deepEqual((await kinds(user.email)).filter((k) => k === '2fa.locked'), ['2fa.locked']);
});

test('security keys: added and removed mail the user; the first key and the last say 2FA turned on or off, in one mail', async () => {
  const user = await freshUser();
  const actor = { kind: 'user' as const, userId: user.id };
  const { users } = await import('@/db/schema');
  const setKeys = (tx: Parameters<Parameters<typeof writeTransaction>[0]>[0], count: number) => tx.update(users).set({ webauthnKeyCount: count }).where(eq(users.id, user.id));
  // As lib/auth/webauthn-registration.ts audits them: after the key is counted.
  await writeTransaction(async (tx) => {
    await setKeys(tx, 1);
    await audit(tx, { orgId: org.id, actor, targetUserId: user.id, action: 'webauthn.key_added', detail: { credentialId: 'c1', name: 'Blue key' }, ip });
    await audit(tx, { orgId: org.id, actor, targetUserId: user.id, action: '2fa.enabled', detail: { factor: 'webauthn' }, ip });
  });
  await writeTransaction(async (tx) => {
    await setKeys(tx, 2);
    await audit(tx, { orgId: org.id, actor, targetUserId: user.id, action: 'webauthn.key_added', detail: { credentialId: 'c2', name: 'Backup <key>' }, ip });
  });
  await writeTransaction(async (tx) => {
    await setKeys(tx, 1);
    await audit(tx, { orgId: org.id, actor, targetUserId: user.id, action: 'webauthn.key_removed', detail: { credentialId: 'c2', name: 'Backup <key>' }, ip });
  });
  await writeTransaction(async (tx) => {
    await setKeys(tx, 0);
    await audit(tx, { orgId: org.id, actor, targetUserId: user.id, action: 'webauthn.key_removed', detail: { credentialId: 'c1', name: 'Blue key' }, ip });
    await audit(tx, { orgId: org.id, actor, targetUserId: user.id, action: '2fa.disabled', detail: { lastKey: true }, ip });
  });
  const mails = await mailsTo(user.email);
  assert.deepEqual(mails.map((m) => m.kind), ['webauthn.key_added', 'webauthn.key_added', 'webauthn.key_removed', 'webauthn.key_removed']);
  assert.deepEqual(mails.map((m) => m.subject.replace(/^[^:]+: /, '')), ['Two-factor authentication turned on with a security key', 'Security key added', 'Security key removed', 'Two-factor authentication turned off']);
  assert.match(mails[1]!.htmlBody!, /Backup &lt;key&gt;/, 'a key’s name is escaped in the HTML part');
});

test('nothing is mailed for events that are not about the user’s own protection, nor to SSO users', async () => {
  const user = await freshUser();
  const sso = await freshUser('sso');
  await writeTransaction(async (tx) => {
    for (const action of ['sign_in', 'sign_in.failed', 'sign_out', 'webauthn.key_renamed', 'user.2fa_required', '2fa.disable_refused', 'step_up.failed', 'sign_in.second_factor_failed'] as const) {
      await audit(tx, { orgId: org.id, actor: { kind: 'user', userId: user.id }, targetUserId: user.id, action, detail: { factor: 'totp' }, ip });
    }
    // A password lock can be set off by anyone who knows the address: not mailed.
    await audit(tx, { orgId: org.id, actor: { kind: 'system' }, targetUserId: user.id, action: 'sign_in.locked', detail: { throttle: 'email' }, ip });
    await audit(tx, { orgId: org.id, actor: operator, targetUserId: sso.id, action: '2fa.reset' });
  });
  assert.deepEqual(await kinds(user.email), []);
  assert.deepEqual(await kinds(sso.email), []);
});
