import 'server-only';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { writeTransaction } from '@/db';
import { users } from '@/db/schema';
import { createOrganization } from '@/lib/accounts/organizations';
import { encryptForUser } from '@/lib/auth/crypto';
import { hashPassword } from '@/lib/auth/password';
import { newTotpSecret } from '@/lib/auth/totp';

export interface BenchUser {
  email: string;
  secret: string;
}

/** The benchmark's own organization: `count` users with 2FA (known secrets, one shared password) and an admin. */
export async function benchAccounts(count: number) {
  const org = await createOrganization({ slug: 'bench', name: 'Bench', policy: 'optional' }, { kind: 'operator' });
  const password = randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(password);
  const people: BenchUser[] = [];
  await writeTransaction(async (tx) => {
    for (let i = 0; i < count; i++) {
      const email = `bench${i}@bench.example`;
      const secret = newTotpSecret();
      const [row] = await tx.insert(users).values({ orgId: org.id, email, name: `Bench ${i}`, signInMethod: 'password', passwordHash }).returning({ id: users.id });
      const id = row!.id;
      await tx.update(users).set({ totpSecret: encryptForUser(secret, id), totpEnabledAt: Date.now(), twoFactorVersion: 1 }).where(eq(users.id, id));
      people.push({ email, secret });
    }
    await tx.insert(users).values({ orgId: org.id, email: 'admin@bench.example', name: 'Bench Admin', role: 'admin', signInMethod: 'password', passwordHash });
  });
  return { org, password, people, admin: 'admin@bench.example' };
}
