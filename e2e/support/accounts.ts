import { randomBytes } from 'node:crypto';
import type { TwoFactorPolicy } from '@/db/schema';
import { createOrganization } from '@/lib/accounts/organizations';
import { createUser, setUserTwoFactorRequired } from '@/lib/accounts/users';
import { beginEnrollment, confirmEnrollment } from '@/lib/auth/enrollment';
import { newToken } from '@/lib/auth/tokens';
import * as OTPAuth from 'otpauth';
import { rememberSecret } from './secrets-log';

const operator = { kind: 'operator' } as const;

export interface TwoFactorUser extends TestUser {
  /** The base32 TOTP secret, as the authenticator app holds it. */
  secret: string;
  recoveryCodes: string[];
}

export interface TestUser {
  id: number;
  email: string;
  name: string;
  password: string;
  role: 'member' | 'admin';
  method: 'password' | 'sso';
}

/** A fresh organization of its own for one test, written straight into the server's database. */
export class TestOrg {
  private constructor(
    readonly id: number,
    readonly slug: string,
    readonly name: string,
  ) {}

  static async create(policy: TwoFactorPolicy = 'optional'): Promise<TestOrg> {
    const slug = `t-${randomBytes(5).toString('hex')}`;
    const org = await createOrganization({ slug, name: `Org ${slug}`, policy }, operator);
    return new TestOrg(org.id, slug, org.name);
  }

  async user(options: { role?: 'member' | 'admin'; method?: 'password' | 'sso'; name?: string } = {}): Promise<TestUser> {
    const method = options.method ?? 'password';
    const role = options.role ?? 'member';
    const local = `${role}-${randomBytes(4).toString('hex')}`;
    const email = `${local}@${this.slug}.example`;
    const password = `pw-${randomBytes(9).toString('base64url')}`;
    const name = options.name ?? `${role === 'admin' ? 'Admin' : 'Member'} ${local.slice(-4)}`;
    const created = await createUser({ org: this.slug, email, name, role, method, password: method === 'password' ? password : undefined }, operator);
    rememberSecret(password);
    return { id: created.id, email, name, password, role, method };
  }

  /** A password user with 2FA already on. The previous time step's code was used to enroll, so the current one is still fresh. */
  async userWith2fa(options: { role?: 'member' | 'admin'; name?: string } = {}): Promise<TwoFactorUser> {
    const user = await this.user(options);
    // Set up as an operator would: the enrollment is owned by a session id no browser holds (a setup
    // challenge owner must be a real challenge that saw the user's current credentials).
    const owner = { sessionId: newToken() };
    const secret = await beginEnrollment(user.id, owner);
    const previous = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp: Date.now() - 30_000 });
    const result = await confirmEnrollment(user.id, previous, { owner, audit: { orgId: this.id, actor: operator, targetUserId: user.id } });
    if (!result.ok) throw new Error(`could not enroll the test user: ${result.reason}`);
    rememberSecret(secret, previous, ...result.codes);
    return { ...user, secret, recoveryCodes: result.codes };
  }

  async requireTwoFactor(user: TestUser, on = true) {
    await setUserTwoFactorRequired(user.id, on, operator);
  }
}

/** Many users at once (shared password), as `npm run cli -- demo:bulk` makes them. */
export async function bulkUsers(org: TestOrg, count: number) {
  const { bulkCreateUsers } = await import('@/lib/ops/bulk');
  return bulkCreateUsers({ id: org.id, slug: org.slug }, count, () => {});
}
