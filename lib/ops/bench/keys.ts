import 'server-only';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { writeTransaction } from '@/db';
import { users } from '@/db/schema';
import { createUser } from '@/lib/accounts/users';
import { encryptForUser } from '@/lib/auth/crypto';
import { newTotpSecret } from '@/lib/auth/totp';
import { newToken } from '@/lib/auth/tokens';
import { authenticationOptions, registrationOptions, relyingParty, verifyRegistration } from '@/lib/auth/webauthn';
import { SoftwareAuthenticator } from '@/lib/testing/software-authenticator';

// The security-key step of sign-in, as the benchmark drives it: users whose second factor is a
// software authenticator (signatures and counters as real keys make them), its answers posted to
// the same /login/verify as the TOTP codes.

export interface KeyUser {
  id: number;
  email: string;
  key: SoftwareAuthenticator;
}

/** `count` users of the organization with a registered key (and an app, as the other bench users: the timed step is the key's), sharing `password`. */
export async function keyAccounts(org: { id: number; slug: string }, password: string, count: number): Promise<KeyUser[]> {
  const people: KeyUser[] = [];
  const here = { origin: relyingParty().origin, rpId: relyingParty().id };
  for (let i = 0; i < count; i++) {
    const user = await createUser({ org: org.slug, email: `benchkey${i}@bench.example`, name: `Bench key ${i}`, role: 'member', method: 'password', password }, { kind: 'operator' });
    await writeTransaction((tx) => tx.update(users).set({ totpSecret: encryptForUser(newTotpSecret(), user.id), totpEnabledAt: Date.now(), twoFactorVersion: 1 }).where(eq(users.id, user.id)));
    const key = new SoftwareAuthenticator();
    const binding = { sessionId: newToken() };
    const result = await verifyRegistration(user, binding, key.register(await registrationOptions(user, binding), here), 'Bench key');
    if (!result.ok) throw new Error(`bench: could not register a key: ${result.reason}`);
    people.push({ id: user.id, email: user.email, key });
  }
  return people;
}

/** What the key's button posts: the server action's fields (its id from the build's manifest) and the key's answer. */
export function keyStepFields(root: string): Record<string, string> {
  const manifest = JSON.parse(readFileSync(path.join(root, '.next/server/server-reference-manifest.json'), 'utf8')) as { node: Record<string, { exportedName?: string }> };
  const id = Object.entries(manifest.node).find(([, entry]) => entry.exportedName === 'verifyKeyAction')?.[0];
  if (!id) throw new Error('bench: no verifyKeyAction in the build');
  return { $ACTION_REF_1: '', '$ACTION_1:0': JSON.stringify({ id, bound: '$@1' }), '$ACTION_1:1': '[{}]', $ACTION_KEY: 'k0' };
}

/** The key's answer to the options the server makes for this sign-in challenge (made here, untimed: the timed part is the verify step). */
export async function keyAnswer(user: KeyUser, challengeToken: string, origin: string): Promise<string> {
  const options = await authenticationOptions({ challengeToken }, user.id);
  if (!options) throw new Error(`bench: ${user.email} has no key`);
  return JSON.stringify(user.key.authenticate(options, { origin, rpId: new URL(origin).hostname }));
}
