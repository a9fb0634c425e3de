import { readdirSync } from 'node:fs';
import path from 'node:path';
import { request as playwrightRequest, type APIRequestContext } from '@playwright/test';
import { and, count, eq } from 'drizzle-orm';
import { db, writeTransaction } from '@/db';
import { auditEvents, sessions, users } from '@/db/schema';
import { tokenDigest } from '@/lib/auth/tokens';
import { trustBrowser } from '@/lib/auth/trusted-browsers';
import { expect, test, TestOrg, totp, type TestUser, type TwoFactorUser } from './fixtures';
import { ACTION_FORMS, challengeContext, postAction, serverActions, sessionContext } from './support/actions';
import { liveSessions, securityState } from './support/db';
import { newSessionCookie } from './support/sessions';
import { baseURL } from './support/env';

// The authorization matrix, as data: every page, route handler and server action, and who may use
// it. The test walks all of it as each kind of caller; server actions are replayed as forged
// requests (the action id is public) with the caller's cookies and the victim's ids and secrets.
// A refusal must change nothing; the rightful caller's replay (at the end) shows the replay works.
// Plain HTTP: the config runs this file in one project.

const CALLERS = ['anonymous', 'verify', 'setup', 'member', 'admin', 'otherAdmin', 'sso'] as const;
type Caller = (typeof CALLERS)[number];
const signedIn: Caller[] = ['member', 'admin', 'otherAdmin', 'sso'];
const passwordUsers: Caller[] = ['member', 'admin', 'otherAdmin'];
const everyone: Caller[] = [...CALLERS];

/** Pages and route handlers: `allowed` callers get 200; everyone else a redirect, a 403 or a 404, never the content. */
const ROUTES: { route: string; method?: 'GET' | 'POST'; path: (w: World) => string; allowed: Caller[] }[] = [
  { route: '/login', path: () => '/login', allowed: ['anonymous', 'verify', 'setup'] },
  { route: '/login/verify', path: () => '/login/verify', allowed: ['verify'] },
  { route: '/login/setup-2fa', path: () => '/login/setup-2fa', allowed: ['setup'] },
  // Anyone may ask for a link; without one, the reset page says the link has expired (200 too).
  { route: '/login/forgot-password', path: () => '/login/forgot-password', allowed: everyone },
  { route: '/login/reset-password', path: () => '/login/reset-password', allowed: everyone },
  { route: '/', path: () => '/', allowed: signedIn },
  // Redirects everyone: to the 2FA tab, or to sign-in.
  { route: '/profile', path: () => '/profile', allowed: [] },
  { route: '/profile/2fa', path: () => '/profile/2fa', allowed: signedIn },
  // SSO users see that their password is managed by the identity provider, and no form.
  { route: '/profile/password', path: () => '/profile/password', allowed: signedIn },
  // The Devices tab: the user's own trusted browsers (none for SSO users).
  { route: '/profile/sessions', path: () => '/profile/sessions', allowed: signedIn },
  // The Language tab: every signed-in user chooses their own.
  { route: '/profile/language', path: () => '/profile/language', allowed: signedIn },
  { route: '/admin/users', path: () => '/admin/users', allowed: ['admin', 'otherAdmin'] },
  { route: '/admin/users/[id]/reset', path: (w) => `/admin/users/${w.victim.id}/reset`, allowed: ['admin'] },
  { route: '/admin/users/new', path: () => '/admin/users/new', allowed: ['admin', 'otherAdmin'] },
  // Each admin exports their own organization's users (the export is audited).
  { route: '/admin/users/export.csv', path: () => '/admin/users/export.csv?state=enabled', allowed: ['admin', 'otherAdmin'] },
  { route: '/admin/users/[id]/revoke-invitation', path: (w) => `/admin/users/${w.victim.id}/revoke-invitation`, allowed: ['admin'] },
  { route: '/invitation', path: () => '/invitation', allowed: everyone },
  { route: '/admin/users/[id]/deactivate', path: (w) => `/admin/users/${w.victim.id}/deactivate`, allowed: ['admin'] },
  { route: '/admin/users/[id]/reactivate', path: (w) => `/admin/users/${w.victim.id}/reactivate`, allowed: ['admin'] },
  { route: '/admin/users/[id]/sign-out', path: (w) => `/admin/users/${w.victim.id}/sign-out`, allowed: ['admin'] },
  { route: '/admin/users/[id]/stop-requiring', path: (w) => `/admin/users/${w.setup.id}/stop-requiring`, allowed: ['admin'] },
  { route: '/admin/settings', path: () => '/admin/settings', allowed: ['admin', 'otherAdmin'] },
  { route: '/admin/audit', path: () => '/admin/audit', allowed: ['admin', 'otherAdmin'] },
  // Each admin exports their own organization's log (the export is audited).
  { route: '/admin/audit/export.csv', path: () => '/admin/audit/export.csv?type=2fa.reset', allowed: ['admin', 'otherAdmin'] },
  // Operations: the balancer's checks, for anyone; the metrics, for no caller of the public port
  // (only METRICS_PORT or the METRICS_TOKEN bearer token: e2e/operations.spec.ts).
  { route: '/healthz', path: () => '/healthz', allowed: everyone },
  { route: '/readyz', path: () => '/readyz', allowed: everyone },
  { route: '/metrics', path: () => '/metrics', allowed: [] },
  // Auth.js's endpoints: the session endpoint is closed (it would hand the session id to scripts).
  { route: '/api/auth/[...nextauth]', path: () => '/api/auth/session', allowed: [] },
  { route: '/api/auth/[...nextauth]', path: () => '/api/auth/csrf', allowed: everyone },
  { route: '/api/auth/[...nextauth]', path: () => '/api/auth/providers', allowed: everyone },
  { route: '/.well-known/security.txt', path: () => '/.well-known/security.txt', allowed: everyone },
];

/** Server actions (their forms are in support/actions.ts): who may use them. Everyone else's replay changes nothing. */
const ACTIONS: Record<string, Caller[]> = {
  signInAction: everyone,
  ssoSignInAction: everyone,
  verifyCodeAction: ['verify'],
  keyOptionsAction: ['verify'],
  verifyKeyAction: ['verify'],
  passkeyOptionsAction: everyone,
  passkeySignInAction: everyone,
  cancelChallengeAction: ['verify', 'setup'],
  confirmSetupAction: ['setup'],
  continueSignInAction: ['setup'],
  signOutAction: signedIn,
  startEnrollmentAction: passwordUsers,
  confirmEnrollmentAction: passwordUsers,
  cancelEnrollmentAction: passwordUsers,
  reconfigureAction: passwordUsers,
  regenerateCodesAction: passwordUsers,
  disableAction: passwordUsers,
  changePasswordAction: passwordUsers,
  // Only the caller's own language (a form names no user).
  setLocaleAction: signedIn,
  resetTwoFactorAction: ['admin'],
  setTwoFactorRequiredAction: ['admin'],
  requireTwoFactorForSelectedAction: ['admin'],
  setPolicyAction: ['admin'],
  setUserDeactivatedAction: ['admin'],
  inviteUserAction: ['admin'],
  resendInvitationAction: ['admin'],
  revokeInvitationAction: ['admin'],
  acceptInvitationAction: everyone,
  keyStepUpOptionsAction: passwordUsers,
  startAddKeyAction: passwordUsers,
  finishAddKeyAction: passwordUsers,
  renameKeyAction: passwordUsers,
  removeKeyAction: passwordUsers,
  startSetupKeyAction: ['setup'],
  finishSetupKeyAction: ['setup'],
  setPasskeySignInAction: ['admin'],
  setTrustedBrowsersAction: ['admin'],
  // Only the owner's row: the victim's trusted browser, replayed by anyone else, stays.
  removeTrustedBrowserAction: ['member'],
  setGraceDaysAction: ['admin'],
  requestPasswordResetAction: everyone,
  // Only the holder of a mailed link's cookie (forgot-password.spec.ts): no caller here has one.
  resetPasswordAction: [],
  // Only the caller's own sessions can match (a forged key of the victim's: e2e/devices.spec.ts).
  endSessionAction: signedIn,
  endOtherSessionsAction: signedIn,
  signOutEverywhereAction: ['admin'],
};

interface World {
  org: TestOrg;
  admin: TwoFactorUser;
  /** The member caller, with 2FA: the victim whose ids and secrets the replays carry. */
  victim: TwoFactorUser;
  /** Has 2FA; the `verify` caller stopped at the code step with it. */
  pending: TwoFactorUser;
  /** 2FA required, not set up; the `setup` caller stopped at forced setup with it. */
  setup: TestUser;
  sso: TestUser;
  plain: TestUser;
  otherAdmin: TwoFactorUser;
  contexts: Record<Caller, APIRequestContext>;
  /** The row key of the victim's (member caller's) session, as the Devices tab posts it. */
  victimSession: string;
  /** The id of the victim's trusted browser (the Devices tab's "Remove" names it). */
  victimTrust: string;
}

/** Everything a replay could change for the organization under attack. */
function snapshot(w: World) {
  return securityState([w.admin, w.victim, w.pending, w.setup, w.sso, w.plain].map((u) => u.id), w.org.id);
}

type Snapshot = Awaited<ReturnType<typeof snapshot>>;

/** The victim's ids and secrets, under every field name any action reads. */
function replayValues(w: World): Record<string, string> {
  return {
    email: w.victim.email,
    password: w.victim.password,
    currentPassword: w.victim.password,
    newPassword: 'a-new-password-42',
    confirmPassword: 'a-new-password-42',
    method: 'recovery',
    code: totp(w.victim.secret),
    recoveryCode: w.victim.recoveryCodes[0]!,
    userId: String(w.victim.id),
    userIds: String(w.victim.id),
    required: 'on',
    deactivated: 'on',
    name: 'Replayed Invitee',
    role: 'admin',
    policy: 'required',
    graceDays: '30',
    reason: 'replayed',
    saved: 'yes',
    callbackUrl: '/admin/users',
    session: w.victimSession,
    trust: 'yes',
    trustedBrowserDays: '3',
    id: w.victimTrust,
    locale: 'de',
  };
}

/** A caller stopped after the password step, at the step the test expects. */
async function atStep(user: TestUser, expected: RegExp) {
  const { context, location } = await challengeContext(user);
  expect(location, `${user.email} stops at ${expected}`).toMatch(expected);
  return context;
}

async function makeWorld(): Promise<World> {
  const org = await TestOrg.create('optional');
  const admin = await org.userWith2fa({ role: 'admin', name: 'Matrix Admin' });
  const victim = await org.userWith2fa({ name: 'Matrix Victim' });
  const pending = await org.userWith2fa();
  const setup = await org.user();
  await org.requireTwoFactor(setup);
  const sso = await org.user({ method: 'sso' });
  const plain = await org.user({ name: 'Matrix Plain' });
  const otherAdmin = await (await TestOrg.create('optional')).userWith2fa({ role: 'admin' });
  const contexts: Record<Caller, APIRequestContext> = {
    anonymous: await playwrightRequest.newContext({ baseURL }),
    verify: await atStep(pending, /\/login\/verify$/),
    setup: await atStep(setup, /\/login\/setup-2fa$/),
    member: await sessionContext(victim.id, 'password'),
    admin: await sessionContext(admin.id, 'password'),
    otherAdmin: await sessionContext(otherAdmin.id, 'password'),
    sso: await sessionContext(sso.id, 'sso'),
  };
  const [victimSession] = await (await db()).select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, victim.id));
  const victimTrust = await writeTransaction(async (tx) => {
    const [row] = await tx.select({ v: users.credentialsVersion }).from(users).where(eq(users.id, victim.id));
    const trusted = await trustBrowser(tx, { id: victim.id, orgId: org.id, credentialsVersion: row!.v }, { userAgent: 'matrix', clientAddress: null, ip: null });
    return tokenDigest(trusted!.token);
  });
  return { org, admin, victim, pending, setup, sso, plain, otherAdmin, contexts, victimSession: victimSession!.id, victimTrust };
}

/** Every page.tsx and route.ts under app/, as its route. */
function appRoutes(dir = 'app', route = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return appRoutes(path.join(dir, entry.name), /^\(.*\)$/.test(entry.name) ? route : `${route}/${entry.name}`);
    return /^(page|route)\.tsx?$/.test(entry.name) ? [route || '/'] : [];
  });
}

test('the matrix lists every page, route handler and server action of the build', () => {
  expect([...new Set(ROUTES.map((r) => r.route))].sort()).toEqual(appRoutes().sort());
  expect(Object.keys(ACTIONS).sort()).toEqual([...serverActions().keys()].sort());
  expect(Object.keys(ACTION_FORMS).sort()).toEqual([...serverActions().keys()].sort());
});

test('authorization matrix: every caller gets exactly what the table allows; refused replays change nothing', async () => {
  test.setTimeout(120_000);
  const w = await makeWorld();
  try {
    // Pages and route handlers.
    for (const route of ROUTES) {
      for (const caller of CALLERS) {
        const response = await w.contexts[caller].get(route.path(w), { maxRedirects: 0 });
        const label = `${caller} GET ${route.path(w)}`;
        if (route.allowed.includes(caller)) expect(response.status(), label).toBe(200);
        else expect([303, 307, 308, 403, 404], label).toContain(response.status());
      }
    }
    // Nobody gets a session from the credentials callback without a ready challenge: not with a
    // password, and not with a challenge that is still waiting for its code.
    for (const caller of CALLERS) {
      const csrf = (await (await w.contexts[caller].get('/api/auth/csrf')).json()) as { csrfToken: string };
      const response = await w.contexts[caller].post('/api/auth/callback/credentials', { form: { csrfToken: csrf.csrfToken, email: w.pending.email, password: w.pending.password, challenge: 'forged' }, headers: { Origin: baseURL }, maxRedirects: 0 });
      expect(response.status(), `${caller} credentials callback`).toBeLessThan(500);
    }
    const [sessionsOfPending] = await (await db()).select({ n: count() }).from(sessions).where(eq(sessions.userId, w.pending.id));
    expect(sessionsOfPending!.n, 'no session for the user at the code step').toBe(0);

    // Server actions, replayed by everyone the table does not allow.
    const values = replayValues(w);
    for (const [action, allowed] of Object.entries(ACTIONS)) {
      for (const caller of CALLERS.filter((c) => !allowed.includes(c))) {
        const before = await snapshot(w);
        const response = await postAction(w.contexts[caller], action, values);
        const label = `${caller} replays ${action}`;
        expect(response.status(), label).toBeLessThan(500);
        expect(await response.text(), label).not.toMatch(/\bat [^\s(]+ \([^()\n]*:\d+:\d+\)/);
        expect(await snapshot(w), `${label}: nothing changed`).toEqual(before);
      }
    }

    // The rightful callers' replays do change things: the forged requests are the real thing.
    const changes: [Caller, string, Record<string, string>, (before: Snapshot, after: Snapshot) => boolean][] = [
      ['verify', 'verifyCodeAction', { method: 'recovery', recoveryCode: w.pending.recoveryCodes[0]! }, (b, a) => a.sessions.length === b.sessions.length + 1],
      ['setup', 'cancelChallengeAction', {}, (b, a) => a.challenges.length === b.challenges.length - 1],
      ['member', 'removeTrustedBrowserAction', { id: w.victimTrust }, (b, a) => a.trusted.length === b.trusted.length - 1],
      ['member', 'regenerateCodesAction', { password: w.victim.password, recoveryCode: w.victim.recoveryCodes[1]! }, (b, a) => JSON.stringify(a.codes) !== JSON.stringify(b.codes)],
      ['member', 'setLocaleAction', { locale: 'de' }, (b, a) => JSON.stringify(a.users) !== JSON.stringify(b.users)],
      ['member', 'changePasswordAction', { currentPassword: w.victim.password, newPassword: 'a-new-password-42', confirmPassword: 'a-new-password-42' }, (b, a) => JSON.stringify(a.users) !== JSON.stringify(b.users)],
      // Destructive admin changes step up: the first with a recovery code, the rest within its freshness.
      ['admin', 'resetTwoFactorAction', { userId: String(w.victim.id), reason: 'matrix', password: w.admin.password, recoveryCode: w.admin.recoveryCodes[0]! }, (b, a) => JSON.stringify(a.users) !== JSON.stringify(b.users)],
      ['admin', 'setTwoFactorRequiredAction', { userId: String(w.plain.id), required: 'on' }, (b, a) => JSON.stringify(a.users) !== JSON.stringify(b.users)],
      ['admin', 'setTwoFactorRequiredAction', { userId: String(w.plain.id), required: 'off', password: w.admin.password }, (b, a) => JSON.stringify(a.users) !== JSON.stringify(b.users)],
      ['admin', 'requireTwoFactorForSelectedAction', { userIds: String(w.plain.id), password: w.admin.password }, (b, a) => JSON.stringify(a.users) !== JSON.stringify(b.users)],
      ['admin', 'setUserDeactivatedAction', { userId: String(w.plain.id), deactivated: 'on', password: w.admin.password }, (b, a) => JSON.stringify(a.users) !== JSON.stringify(b.users)],
      ['admin', 'setPolicyAction', { policy: 'required' }, (b, a) => JSON.stringify(a.policy) !== JSON.stringify(b.policy)],
      ['admin', 'setPolicyAction', { policy: 'optional', password: w.admin.password }, (b, a) => JSON.stringify(a.policy) !== JSON.stringify(b.policy)],
      ['admin', 'setTrustedBrowsersAction', { trustedBrowsers: 'on', trustedBrowserDays: '3' }, (b, a) => JSON.stringify(a.policy) !== JSON.stringify(b.policy)],
      ['admin', 'setGraceDaysAction', { graceDays: '5', password: w.admin.password }, (b, a) => JSON.stringify(a.grace) !== JSON.stringify(b.grace)],
      // The SSO caller's session is the one still live here (the victim's ended with the reset above).
      ['admin', 'signOutEverywhereAction', { userId: String(w.sso.id), password: w.admin.password }, (b, a) => JSON.stringify(a.sessions) !== JSON.stringify(b.sessions)],
      ['admin', 'signOutAction', {}, (b, a) => JSON.stringify(a.sessions) !== JSON.stringify(b.sessions)],
    ];
    for (const [caller, name, fields, changed] of changes) {
      const before = await snapshot(w);
      const response = await postAction(w.contexts[caller], name, fields);
      expect(response.status(), `${caller} ${name}`).toBeLessThan(400);
      expect(changed(before, await snapshot(w)), `${caller}'s own ${name} took effect`).toBe(true);
    }
  } finally {
    for (const context of Object.values(w.contexts)) await context.dispose();
  }
});

test("destructive admin actions need the admin's step-up: without it, or with a wrong password or code, nothing changes", async () => {
  const org = await TestOrg.create('required');
  const admin = await org.userWith2fa({ role: 'admin' });
  const victim = await org.userWith2fa();
  await org.requireTwoFactor(victim);
  const context = await sessionContext(admin.id);
  const state = () => securityState([admin.id, victim.id], org.id);
  const changes: [string, Record<string, string>][] = [
    ['resetTwoFactorAction', { userId: String(victim.id), reason: 'forged' }],
    ['setTwoFactorRequiredAction', { userId: String(victim.id), required: 'off' }],
    ['setPolicyAction', { policy: 'optional' }],
    ['setUserDeactivatedAction', { userId: String(victim.id), deactivated: 'on' }],
  ];
  // The session has not verified a second factor: the password alone is not enough either.
  const wrongStepUps: Record<string, string>[] = [
    {},
    { code: totp(admin.secret) },
    { password: 'not-the-password-1', code: totp(admin.secret) },
    { password: admin.password },
    { password: admin.password, code: totp(victim.secret) },
    { password: admin.password, recoveryCode: victim.recoveryCodes[0]! },
    { password: victim.password, recoveryCode: admin.recoveryCodes[0]! },
  ];
  try {
    for (const [name, fields] of changes) {
      for (const stepUp of wrongStepUps) {
        const before = await state();
        const response = await postAction(context, name, { ...fields, ...stepUp });
        const label = `${name} with ${Object.keys(stepUp).join(', ') || 'no step-up'}`;
        expect(response.status(), label).toBe(200);
        expect(await state(), `${label}: nothing changed`).toEqual(before);
      }
    }
    // Audited like the profile's step-up: each wrong password or code (a missing field is only asked for).
    const [stepUpFailures] = await (await db()).select({ n: count() }).from(auditEvents).where(and(eq(auditEvents.targetUserId, admin.id), eq(auditEvents.action, 'step_up.failed')));
    expect(stepUpFailures!.n).toBe(16);
    // The same forged requests with the admin's own step-up go through: the refusals were the step-up's.
    const before = await state();
    expect((await postAction(context, 'setTwoFactorRequiredAction', { ...changes[1]![1], password: admin.password, code: totp(admin.secret) })).status()).toBe(303);
    expect((await postAction(context, 'setPolicyAction', { ...changes[2]![1], password: admin.password })).status()).toBe(200);
    expect((await postAction(context, 'resetTwoFactorAction', { ...changes[0]![1], password: admin.password })).status()).toBe(303);
    expect((await postAction(context, 'setUserDeactivatedAction', { ...changes[3]![1], password: admin.password })).status()).toBe(303);
    const after = await state();
    expect(after.policy).not.toEqual(before.policy);
    const victimAfter = after.users.find((u) => Number(u.id) === victim.id);
    // Raw rows: SQLite gives the flag as 0, PostgreSQL as false.
    expect(victimAfter?.totp_secret).toBeNull();
    expect(Boolean(victimAfter?.two_factor_required)).toBe(false);
    expect(victimAfter?.deactivated_at).not.toBeNull();
  } finally {
    await context.dispose();
  }
});

test("an admin's \"Sign out everywhere\" needs the step-up: without it, or with a wrong one, the user stays signed in", async () => {
  const org = await TestOrg.create('optional');
  const admin = await org.userWith2fa({ role: 'admin' });
  const victim = await org.userWith2fa();
  await newSessionCookie(victim.id, 'password', Date.now());
  await newSessionCookie(victim.id, 'password', Date.now());
  const context = await sessionContext(admin.id);
  const state = () => securityState([admin.id, victim.id], org.id);
  // (Few wrong codes: ten would lock the admin's second step.)
  const wrongStepUps: Record<string, string>[] = [{}, { password: 'not-the-password-1', code: totp(admin.secret) }, { password: admin.password }, { password: admin.password, code: totp(victim.secret) }];
  try {
    for (const stepUp of wrongStepUps) {
      const before = await state();
      const response = await postAction(context, 'signOutEverywhereAction', { userId: String(victim.id), ...stepUp });
      expect(response.status()).toBe(200);
      expect(await state(), `${Object.keys(stepUp).join(', ') || 'no step-up'}: nothing changed`).toEqual(before);
    }
    expect(await liveSessions(victim.id)).toBe(2);
    expect((await postAction(context, 'signOutEverywhereAction', { userId: String(victim.id), password: admin.password, code: totp(admin.secret) })).status()).toBe(303);
    expect(await liveSessions(victim.id)).toBe(0);
  } finally {
    await context.dispose();
  }
});
