import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { db, writeTransaction } from '@/db';
import { users } from '@/db/schema';
import { createOrganization } from '@/lib/accounts/organizations';
import { createUser } from '@/lib/accounts/users';
import { config } from '@/lib/config';
import { SoftwareAuthenticator } from '@/lib/testing/software-authenticator';
import { verifySecondFactor } from './second-factor';
import { createSession, loadSession } from './session';
import { checkStepUp } from './step-up';
import { authenticationOptions, registrationOptions, relyingParty, verifyRegistration } from './webauthn';
import { english } from '@/lib/i18n/translate';

process.env.DESKGATE_LOG = 'off';
const operator = { kind: 'operator' } as const;
await createOrganization({ slug: 'stepkey', name: 'Step key', policy: 'optional' }, operator);
const here = () => ({ origin: relyingParty().origin, rpId: relyingParty().id });
let n = 0;

/** A signed-in keys-only user whose session verified no second factor lately. */
async function signedInWithKey() {
  n += 1;
  const user = await createUser({ org: 'stepkey', email: `s${n}@stepkey.example`, name: `S${n}`, role: 'member', method: 'password', password: 'password-1' }, operator);
  const authenticator = new SoftwareAuthenticator();
  const registering = { sessionId: `registering-${n}` };
  assert.equal((await verifyRegistration(user, registering, authenticator.register(await registrationOptions(user, registering), here()), 'Key')).ok, true);
  const sessionId = await writeTransaction((tx) => createSession(tx, user.id, 'password', null));
  const current = (await loadSession(sessionId))!;
  const answer = async () => authenticator.authenticate((await authenticationOptions({ sessionId }, user.id))!, here());
  return { user, current, answer };
}

const failures = async (userId: number) => (await (await db()).select({ n: users.secondFactorFailures }).from(users).where(eq(users.id, userId)))[0]!.n;

test('a step-up with a key passes once, and its replay is refused and counted like a wrong code', async () => {
  const { user, current, answer } = await signedInWithKey();
  const response = await answer();
  assert.equal(await checkStepUp(current, { password: 'password-1', webauthnResponse: response }, '192.0.2.1'), null);
  assert.ok((await loadSession(current.sessionId))!.secondFactorAt, 'the session counts as freshly verified');
  const replay = await checkStepUp(current, { password: 'password-1', webauthnResponse: response }, '192.0.2.1');
  assert.ok(replay?.fieldErrors?.webauthnResponse, 'refused on the key field');
  assert.equal(await failures(user.id), 1);
});

test('a step-up with a key waits out the user’s second-factor lock, as a code does', async () => {
  const { user, current, answer } = await signedInWithKey();
  for (let i = 0; i < config().secondFactor.userFailures; i++) await verifySecondFactor(user.id, { recoveryCode: 'AAAA-AAAA-AAAA-AAAA' });
  const locked = await checkStepUp(current, { password: 'password-1', webauthnResponse: await answer() }, '192.0.2.1');
  assert.match(english(locked?.error ?? ''), /^Too many failed attempts/);
  assert.equal((await loadSession(current.sessionId))!.secondFactorAt, null, 'nothing verified');
});
