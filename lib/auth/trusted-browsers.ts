import 'server-only';
import { and, asc, eq, gt, inArray, lt, lte, ne, sql } from 'drizzle-orm';
import { type Executor, db, lockOrganization, lockUser, writeTransaction } from '@/db';
import { deleteOldest } from '@/db/dialect';
import { organizations, trustedBrowsers, users } from '@/db/schema';
import { audit, type Actor } from '@/lib/audit';
import { config } from '@/lib/config';
import { createChallenge } from './challenge';
import { isSecondFactorSuspended } from './second-factor';
import { adminStillActing } from './session';
import { newToken, tokenDigest } from './tokens';

/**
 * "Trust this browser" (#17): after a second factor, a browser may skip it at the next sign-ins, for
 * the organization's number of days, counted from the moment it was trusted and never extended. The
 * token lives in an HttpOnly cookie (trust-cookie.ts); the row keeps its SHA-256 digest, the user and
 * the user's credentials version, so every password or 2FA change retires it even where no code
 * deletes it. It stands for the second factor only: the password is always asked, step-up never
 * counts it, and it is no use to another user.
 */

export const MIN_TRUST_DAYS = 1;
export const MAX_TRUST_DAYS = 30;

/** How long a window of `days` lasts (a day is shortened by DESKGATE_TRUSTED_BROWSER_DAY_SECONDS in tests). */
export const trustWindowMs = (days: number) => days * config().trustedBrowserDayMs;

/** The organization's setting: whether its users may trust a browser, and for how many days. */
export async function trustSetting(orgId: number, reader?: Executor): Promise<{ allowed: boolean; days: number }> {
  const [org] = await (reader ?? (await db()))
    .select({ allowed: organizations.trustedBrowsers, days: organizations.trustedBrowserDays })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  return { allowed: org?.allowed ?? false, days: org?.days ?? MIN_TRUST_DAYS };
}

export interface TrustOrigin {
  userAgent: string | null;
  clientAddress: string | null;
}

// A user agent is the client's to write: kept short enough for a list, never trusted for anything.
const clip = (value: string | null, max: number) => (value === null ? null : value.slice(0, max));

/**
 * In the transaction that accepted the second factor: trusts this browser for the organization's
 * days, if the organization allows it and the user's credentials are still `credentialsVersion`.
 * Returns the token for the cookie and the fixed expiry, or null when not allowed (nothing written).
 * `replacing`: the token this browser held before, if any — its row goes if it was this user's.
 * A few expired trusts of anyone's are swept with it (liveTrust deletes one only when it is presented).
 */
export async function trustBrowser(
  tx: Executor,
  user: { id: number; orgId: number; credentialsVersion: number },
  origin: TrustOrigin & { ip: string | null; replacing?: string },
  now = Date.now(),
): Promise<{ token: string; expiresAt: number } | null> {
  const setting = await trustSetting(user.orgId, tx);
  if (!setting.allowed) return null;
  const [current] = await tx.select({ version: users.credentialsVersion }).from(users).where(eq(users.id, user.id));
  if (current?.version !== user.credentialsVersion) return null;
  if (origin.replacing) await tx.delete(trustedBrowsers).where(and(eq(trustedBrowsers.id, tokenDigest(origin.replacing)), eq(trustedBrowsers.userId, user.id)));
  await deleteOldest(tx, trustedBrowsers, trustedBrowsers.id, trustedBrowsers.expiresAt, now);
  const token = newToken();
  const expiresAt = now + trustWindowMs(setting.days);
  await tx.insert(trustedBrowsers).values({
    id: tokenDigest(token),
    userId: user.id,
    credentialsVersion: user.credentialsVersion,
    createdAt: now,
    expiresAt,
    userAgent: clip(origin.userAgent, 512),
    clientAddress: clip(origin.clientAddress, 64),
  });
  await audit(tx, { orgId: user.orgId, actor: { kind: 'user', userId: user.id }, targetUserId: user.id, action: 'trusted_browser.added', detail: { days: setting.days, expiresAt }, ip: origin.ip });
  return { token, expiresAt };
}

/**
 * Whether the trust behind `token` lets this user skip the second factor now: the row is the user's,
 * bound to the version the password step read (still the user's current one), unexpired, and the
 * organization still allows trust with a number of days that still covers it (turning trust off or
 * lowering the days takes effect at once). A suspended second step is never skipped: only an admin
 * reset lifts it. A row of this user that no longer counts is deleted; another user's is left alone.
 */
async function liveTrust(tx: Executor, token: string, userId: number, credentialsVersion: number, now: number): Promise<boolean> {
  const digest = tokenDigest(token);
  const [row] = await tx
    .select({
      userId: trustedBrowsers.userId,
      version: trustedBrowsers.credentialsVersion,
      createdAt: trustedBrowsers.createdAt,
      expiresAt: trustedBrowsers.expiresAt,
      userVersion: users.credentialsVersion,
      deactivatedAt: users.deactivatedAt,
      failures: users.secondFactorFailures,
      allowed: organizations.trustedBrowsers,
      days: organizations.trustedBrowserDays,
    })
    .from(trustedBrowsers)
    .innerJoin(users, eq(users.id, trustedBrowsers.userId))
    .innerJoin(organizations, eq(organizations.id, users.orgId))
    .where(eq(trustedBrowsers.id, digest));
  if (!row || row.userId !== userId) return false;
  const live = row.version === row.userVersion && row.version === credentialsVersion && row.expiresAt > now && row.createdAt + trustWindowMs(row.days) > now && row.deactivatedAt === null;
  if (!live) {
    // Stale for good (a newer version, past its window): no reason to keep it. Trust turned off
    // or a suspended second step may end; the row keeps its fixed window meanwhile.
    if (row.version !== row.userVersion || row.expiresAt <= now) await tx.delete(trustedBrowsers).where(eq(trustedBrowsers.id, digest));
    return false;
  }
  return row.allowed && !isSecondFactorSuspended(row.failures);
}

/**
 * The password step of a user who would be asked a second factor, in a browser that holds a trust
 * token: when the trust is live (liveTrust), records its use (last_used_at; the expiry never moves),
 * audits the sign-in and returns a `ready` challenge for finishSignIn — the one path to a session,
 * which re-checks the credentials version and deactivation. The session's second factor reads
 * `trusted_browser` and its second-factor time stays empty: step-up asks for a code. Else null.
 */
export async function signInWithTrustedBrowser(
  user: { id: number; orgId: number; credentialsVersion: number },
  token: string,
  callbackUrl: string,
  ip: string | null,
  now = Date.now(),
): Promise<string | null> {
  if (token.length === 0 || token.length > 100) return null;
  return writeTransaction(async (tx) => {
    // The user's row first, as every change of the user's credentials takes it.
    await lockUser(tx, user.id);
    if (!(await liveTrust(tx, token, user.id, user.credentialsVersion, now))) return null;
    // Conditional, and checked: on PostgreSQL an admin turning trust off (DELETE) or lowering the
    // days (an earlier expires_at) may commit between the read above and this write; READ COMMITTED
    // re-checks these conditions against that committed row, so such a change wins.
    const [used] = await tx
      .update(trustedBrowsers)
      .set({ lastUsedAt: now })
      .where(and(eq(trustedBrowsers.id, tokenDigest(token)), eq(trustedBrowsers.userId, user.id), gt(trustedBrowsers.expiresAt, now)))
      .returning({ createdAt: trustedBrowsers.createdAt });
    if (!used) return null;
    // Which trust it was (its creation time, as the Devices tab shows it), for an auditor to find the row to remove.
    await audit(tx, { orgId: user.orgId, actor: { kind: 'user', userId: user.id }, targetUserId: user.id, action: 'sign_in', detail: { method: 'password', secondFactor: 'trusted_browser', trustedAt: used.createdAt }, ip });
    return createChallenge(user.id, 'ready', callbackUrl, user.credentialsVersion, { secondFactor: 'trusted_browser' });
  });
}

/**
 * Ends every trusted browser of a user, in the caller's transaction: a password change or reset, a
 * 2FA change or reset, a recovery-code sign-in, deactivation, "Sign out everywhere". Most of these
 * also bump the credentials version (which alone retires the rows); deleting them keeps the Devices
 * tab right. Returns how many ended.
 */
export async function endTrustedBrowsers(tx: Executor, userId: number, keep?: string | null): Promise<number> {
  const mine = eq(trustedBrowsers.userId, userId);
  const ended = await tx.delete(trustedBrowsers).where(keep ? and(mine, ne(trustedBrowsers.id, keep)) : mine).returning({ id: trustedBrowsers.id });
  return ended.length;
}

export interface TrustedBrowserRow {
  /** The row's id (the token's digest: it cannot be turned back into the cookie). */
  id: string;
  createdAt: number;
  expiresAt: number;
  lastUsedAt: number | null;
  userAgent: string | null;
  clientAddress: string | null;
}

/**
 * The user's trusted browsers that would still skip the second factor now (the Devices tab). With
 * trust turned off for the organization there are none. The expiry shown is the earlier of the row's
 * own and the one the organization's current days give.
 */
export async function listTrustedBrowsers(userId: number, now = Date.now()): Promise<TrustedBrowserRow[]> {
  const rows = await (await db())
    .select({
      id: trustedBrowsers.id,
      createdAt: trustedBrowsers.createdAt,
      expiresAt: trustedBrowsers.expiresAt,
      lastUsedAt: trustedBrowsers.lastUsedAt,
      userAgent: trustedBrowsers.userAgent,
      clientAddress: trustedBrowsers.clientAddress,
      allowed: organizations.trustedBrowsers,
      days: organizations.trustedBrowserDays,
    })
    .from(trustedBrowsers)
    .innerJoin(users, eq(users.id, trustedBrowsers.userId))
    .innerJoin(organizations, eq(organizations.id, users.orgId))
    .where(and(eq(trustedBrowsers.userId, userId), eq(trustedBrowsers.credentialsVersion, users.credentialsVersion), gt(trustedBrowsers.expiresAt, now)))
    .orderBy(asc(trustedBrowsers.createdAt));
  return rows
    .filter((row) => row.allowed)
    .map(({ allowed: _allowed, days, ...row }) => ({ ...row, expiresAt: Math.min(row.expiresAt, row.createdAt + trustWindowMs(days)) }))
    .filter((row) => row.expiresAt > now);
}

/** "Remove" on the Devices tab: the owner's row only; audited. False when there was no such row of theirs. */
export async function removeTrustedBrowser(userId: number, orgId: number, id: string, ip: string | null): Promise<boolean> {
  return writeTransaction(async (tx) => {
    await lockUser(tx, userId);
    const removed = await tx.delete(trustedBrowsers).where(and(eq(trustedBrowsers.id, id), eq(trustedBrowsers.userId, userId))).returning({ createdAt: trustedBrowsers.createdAt });
    if (removed.length !== 1) return false;
    await audit(tx, { orgId, actor: { kind: 'user', userId }, targetUserId: userId, action: 'trusted_browser.removed', detail: { addedAt: removed[0]!.createdAt }, ip });
    return true;
  });
}

/**
 * The organization's trusted-browser setting (/admin/settings, `org:trusted-browsers`), audited with
 * before and after. Turning trust off ends every trusted browser of the organization; fewer days
 * bring the fixed expiry of the existing ones forward (more days never push it back).
 */
/** Whether a change of the setting lets more people skip the second factor, or for longer: it needs the admin's step-up. */
export function widensTrust(before: { allowed: boolean; days: number }, next: { allowed: boolean; days: number }): boolean {
  return next.allowed && (!before.allowed || next.days > before.days);
}

export async function setTrustSetting(
  orgId: number,
  next: { allowed: boolean; days: number },
  actor: Actor,
  ip: string | null = null,
  now = Date.now(),
  steppedUp = false,
): Promise<{ changed: boolean; ended: number } | { refused: true } | { needsStepUp: true }> {
  return writeTransaction(async (tx) => {
    await lockOrganization(tx, orgId);
    if (!(await adminStillActing(tx, actor, orgId))) return { refused: true };
    const before = await trustSetting(orgId, tx);
    if (before.allowed === next.allowed && before.days === next.days) return { changed: false, ended: 0 };
    // Decided again under the organization's lock: another admin may have changed it since the page.
    // (The operator, at the command line, has no step-up to give.)
    if (widensTrust(before, next) && !steppedUp && actor.kind === 'user') return { needsStepUp: true };
    await tx.update(organizations).set({ trustedBrowsers: next.allowed, trustedBrowserDays: next.days }).where(eq(organizations.id, orgId));
    const members = tx.select({ id: users.id }).from(users).where(eq(users.orgId, orgId));
    let ended = 0;
    if (!next.allowed) {
      ended = (await tx.delete(trustedBrowsers).where(inArray(trustedBrowsers.userId, members)).returning({ id: trustedBrowsers.id })).length;
    } else if (next.days < before.days) {
      const cap = sql`${trustedBrowsers.createdAt} + ${trustWindowMs(next.days)}`;
      await tx.update(trustedBrowsers).set({ expiresAt: cap }).where(and(inArray(trustedBrowsers.userId, members), lt(cap, trustedBrowsers.expiresAt)));
      ended = (await tx.delete(trustedBrowsers).where(and(inArray(trustedBrowsers.userId, members), lte(trustedBrowsers.expiresAt, now))).returning({ id: trustedBrowsers.id })).length;
    }
    await audit(tx, { orgId, actor, action: 'org.trusted_browsers_changed', detail: { from: before, to: next, ended }, ip });
    return { changed: true, ended };
  });
}
