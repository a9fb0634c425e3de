import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { type Executor, db, lockOrganization, writeTransaction } from '@/db';
import { organizations, users, type TwoFactorPolicy } from '@/db/schema';
import { audit, type Actor } from '@/lib/audit';
import { message } from '@/lib/i18n/keys';
import { deleteUserChallenges } from '@/lib/auth/challenge';
import { hasSecondFactor, isTwoFactorRequired, type SecondFactors } from '@/lib/auth/policy';
import { endGraceWhereNotRequired } from '@/lib/auth/grace';
import { adminStillActing, revokeUserSessions } from '@/lib/auth/session';

/** A refusal the CLI shows (the pages check first): its message is a key (`Cli.account.*`), said in the operator's language. */
export class AccountError extends Error {}

export async function findOrganization(slug: string) {
  const [org] = await (await db())
    .select({ id: organizations.id, slug: organizations.slug, name: organizations.name, twoFactorPolicy: organizations.twoFactorPolicy, twoFactorGraceDays: organizations.twoFactorGraceDays })
    .from(organizations)
    .where(eq(organizations.slug, slug));
  return org;
}

export async function createOrganization(input: { slug: string; name: string; policy: TwoFactorPolicy }, actor: Actor, ip: string | null = null) {
  return writeTransaction(async (tx) => {
    // The unique slug decides between two creations at once, on any instance.
    const [org] = await tx
      .insert(organizations)
      .values({ slug: input.slug, name: input.name, twoFactorPolicy: input.policy })
      .onConflictDoNothing({ target: organizations.slug })
      .returning({ id: organizations.id });
    if (!org) throw new AccountError(message('Cli.account.slugTaken', { slug: input.slug }));
    await audit(tx, { orgId: org.id, actor, action: 'org.created', detail: { slug: input.slug, policy: input.policy }, ip });
    return { id: org.id, ...input };
  });
}

/**
 * Ends the sessions and pending sign-ins of the given users who have no 2FA but now need it,
 * so their next sign-in passes through the setup interstitial. Returns how many there were.
 */
export async function endSessionsOfNewlyRequired(
  tx: Executor,
  candidates: ({ id: number; signInMethod: 'password' | 'sso' } & SecondFactors)[],
): Promise<number> {
  const affected = candidates.filter((u) => u.signInMethod === 'password' && !hasSecondFactor(u));
  for (const u of affected) {
    await revokeUserSessions(tx, u.id);
    await deleteUserChallenges(tx, u.id);
  }
  return affected.length;
}

const strength: Record<TwoFactorPolicy, number> = { off: 0, optional: 1, required: 2 };

/**
 * Whether a change weakens 2FA for someone: Required to anything lifts it from every user, Optional
 * to Off from every user an admin required it of. Such a change needs the admin's step-up.
 */
export function isLowering(from: TwoFactorPolicy, to: TwoFactorPolicy): boolean {
  return strength[to] < strength[from];
}

/**
 * `mayLower`: false when the caller did not step up because it read another policy; if the change
 * lowers the policy as it stands by now, nothing changes and the result says `needsStepUp`.
 */
export async function setOrganizationPolicy(orgId: number, policy: TwoFactorPolicy, actor: Actor, ip: string | null = null, mayLower = true) {
  return writeTransaction(
    async (tx) => {
      await lockOrganization(tx, orgId);
      const [org] = await tx.select({ policy: organizations.twoFactorPolicy }).from(organizations).where(eq(organizations.id, orgId));
      if (!org) throw new AccountError('Cli.account.noSuchOrganization');
      if (!(await adminStillActing(tx, actor, orgId))) return { changed: false, sessionsEnded: 0, refused: true };
      if (org.policy === policy) return { changed: false, sessionsEnded: 0 };
      if (isLowering(org.policy, policy) && !mayLower) return { changed: false, sessionsEnded: 0, needsStepUp: true };
      await tx.update(organizations).set({ twoFactorPolicy: policy }).where(eq(organizations.id, orgId));
      // What the password step decides depends on the policy only for password users without 2FA:
      // their sign-ins in progress must not become sessions under the old policy.
      await tx
        .update(users)
        .set({ credentialsVersion: sql`${users.credentialsVersion} + 1` })
        .where(and(eq(users.orgId, orgId), eq(users.twoFactorState, 'none')));
      const members = await tx
        .select({ id: users.id, signInMethod: users.signInMethod, totpEnabledAt: users.totpEnabledAt, webauthnKeyCount: users.webauthnKeyCount, twoFactorRequired: users.twoFactorRequired })
        .from(users)
        .where(and(eq(users.orgId, orgId), eq(users.twoFactorState, 'none')));
      const newly = members.filter((u) => isTwoFactorRequired(u, policy) && !isTwoFactorRequired(u, org.policy));
      const sessionsEnded = await endSessionsOfNewlyRequired(tx, newly);
      // Whoever 2FA is no longer required of loses their grace clock: a new requirement starts a new one.
      await endGraceWhereNotRequired(tx, orgId);
      await audit(tx, { orgId, actor, action: 'org.policy_changed', detail: { from: org.policy, to: policy, usersSignedOut: sessionsEnded }, ip });
      return { changed: true, sessionsEnded };
    }
  );
}
