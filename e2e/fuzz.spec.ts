import { request as playwrightRequest, type APIRequestContext } from '@playwright/test';
import fc from 'fast-check';
import type { z } from 'zod';
import { anyString, boundArgument, codeLikeString, formEntriesFor, hugeStringUpTo, toFormData } from '@/lib/testing/arbitraries';
import { emailField, recoveryCodeField, totpCodeField } from '@/lib/validation/fields';
import { resetTwoFactorSchema, setGraceDaysSchema, setTrustedBrowsersSchema } from '@/lib/validation/forms';
import { expect, test, TestOrg, type TestUser } from './fixtures';
import { ACTION_FORMS, challengeContext, forgedActionFields, serverActions, sessionContext } from './support/actions';
import { securityState } from './support/db';
import { baseURL } from './support/env';

// Hostile input against the running server: every server action gets malformed forms — missing,
// repeated, huge and non-ASCII fields, files, forged action ids and bound arguments — posted as a
// browser without JavaScript would, and as React's client would (a `Next-Action` header with a
// body of arguments). No answer may be a 5xx or show a stack trace, and nothing may change.
// FUZZ_RUNS sets the requests per action (default 100; the full pass is FUZZ_RUNS=1000).
// Plain HTTP: the config runs this file in one project.

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
// A trace would keep every request and response of the pass in memory.
test.use({ trace: 'off' });

type Caller = 'anonymous' | 'verify' | 'setup' | 'user' | 'admin';

/** Each action with the caller that gets past its identity check, so the input reaches validation. */
const CALLER: Record<string, Caller> = {
  signInAction: 'anonymous',
  ssoSignInAction: 'anonymous',
  verifyCodeAction: 'verify',
  keyOptionsAction: 'verify',
  verifyKeyAction: 'verify',
  passkeyOptionsAction: 'anonymous',
  passkeySignInAction: 'anonymous',
  cancelChallengeAction: 'anonymous',
  confirmSetupAction: 'setup',
  continueSignInAction: 'setup',
  signOutAction: 'anonymous',
  startEnrollmentAction: 'user',
  confirmEnrollmentAction: 'user',
  cancelEnrollmentAction: 'anonymous',
  reconfigureAction: 'user',
  regenerateCodesAction: 'user',
  disableAction: 'user',
  changePasswordAction: 'user',
  resetTwoFactorAction: 'admin',
  setTwoFactorRequiredAction: 'admin',
  requireTwoFactorForSelectedAction: 'admin',
  setPolicyAction: 'admin',
  setUserDeactivatedAction: 'admin',
  inviteUserAction: 'admin',
  resendInvitationAction: 'admin',
  revokeInvitationAction: 'admin',
  acceptInvitationAction: 'anonymous',
  keyStepUpOptionsAction: 'user',
  startAddKeyAction: 'user',
  finishAddKeyAction: 'user',
  renameKeyAction: 'user',
  removeKeyAction: 'user',
  startSetupKeyAction: 'setup',
  finishSetupKeyAction: 'setup',
  setPasskeySignInAction: 'admin',
  setGraceDaysAction: 'admin',
  requestPasswordResetAction: 'anonymous',
  resetPasswordAction: 'anonymous',
  endSessionAction: 'user',
  endOtherSessionsAction: 'user',
  signOutEverywhereAction: 'admin',
  setTrustedBrowsersAction: 'admin',
  removeTrustedBrowserAction: 'user',
};

// Up to 100 kB: past the 64 kB body limit of server actions, without the cost of megabyte bodies
// (the unit property tests go to 1 MB).
const huge = hugeStringUpTo(100_000);
/** Values near the real thing but never valid: the point is what validation does with them. */
const nearly = fc.oneof(anyString, codeLikeString(), huge, fc.constantFrom('', ' ', '0', '-1', '1e309', '0x10', 'on ', 'Required', 'yes\u0000'));
// A well-formed wrong code or address is a failed attempt, counted by design: leave those to the
// other specs, so that here "nothing changes" holds without exception.
// A well-formed user id may name a real user of the admin's organization: that reset (or requirement) would be legitimate.
// A well-formed number of days is a legitimate change of the trusted-browser or grace setting.
const wellFormed: Record<string, z.ZodType> = { email: emailField, code: totpCodeField, recoveryCode: recoveryCodeField, userId: resetTwoFactorSchema.shape.userId, userIds: resetTwoFactorSchema.shape.userId, trustedBrowserDays: setTrustedBrowsersSchema.shape.trustedBrowserDays, graceDays: setGraceDaysSchema.shape.graceDays };
const hostile = (field: string) => (wellFormed[field] ? nearly.filter((v) => !wellFormed[field]!.safeParse(v).success) : nearly);
/**
 * The form generator mixes in values of its own (code-like strings, numbers), so a form may still carry a
 * well-formed value ("8" days): drop those forms whole rather than trusting each field's generator.
 */
const noWellFormed = (entries: [string, string | Blob][]) => !entries.some(([name, value]) => typeof value === 'string' && Object.hasOwn(wellFormed, name) && wellFormed[name]!.safeParse(value).success);

/** A request body as React's client sends it: a JSON array of arguments, of any shape. */
const forgedArguments = fc.oneof(
  fc.array(boundArgument, { maxLength: 3 }).map((args) => `[${args.join(',')}]`),
  boundArgument,
  anyString,
  fc.constantFrom('', '[', '["$K1"]', '["$@1"]', '[{"$ACTION_ID":1}]', '["$Q1","$W2"]', 'null'),
);

// Linear on purpose: `.*` here made every check quadratic in the page's length.
const STACK = /\bat [^\s(]+ \([^()\n]*:\d+:\d+\)|node_modules\/|\bTypeError\b|\bReferenceError\b/;

test('every server action survives malformed and forged input: no 5xx, no stack trace, no change', async () => {
  test.setTimeout(60_000 + RUNS * Object.keys(CALLER).length * 150);
  const org = await TestOrg.create('optional');
  const admin = await org.userWith2fa({ role: 'admin' });
  const user = await org.userWith2fa();
  const pending = await org.userWith2fa();
  const setup: TestUser = await org.user();
  await org.requireTwoFactor(setup);
  const contexts: Record<Caller, APIRequestContext> = {
    anonymous: await playwrightRequest.newContext({ baseURL }),
    verify: (await challengeContext(pending)).context,
    setup: (await challengeContext(setup)).context,
    user: await sessionContext(user.id),
    admin: await sessionContext(admin.id),
  };
  const watched = [admin.id, user.id, pending.id, setup.id];
  const before = await securityState(watched, org.id);
  let sent = 0;
  try {
    for (const [name, caller] of Object.entries(CALLER)) {
      const context = contexts[caller];
      const action = serverActions().get(name)!;
      const target = { name, ...ACTION_FORMS[name]! };
      const fields = Object.fromEntries(target.fields.map((f) => [f, hostile(f)]));
      const request = fc.oneof(
        { arbitrary: formEntriesFor(fields, huge).filter(noWellFormed).map((entries) => ({ how: 'form' as const, entries })), weight: 3 },
        { arbitrary: forgedArguments.map((body) => ({ how: 'client' as const, body })), weight: 1 },
        { arbitrary: fc.tuple(boundArgument, formEntriesFor(fields, huge).filter(noWellFormed)).map(([bound, entries]) => ({ how: 'bound' as const, bound, entries })), weight: 1 },
      );
      // Plain fetch with the caller's cookies, and plain checks: Playwright records every API call and
      // every expect as a step of the test, which made a pass of 17,000 requests slower and slower.
      const cookie = (await context.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      const url = new URL(target.page, baseURL);
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          const headers: Record<string, string> = { Origin: baseURL, Cookie: cookie };
          let body: string | FormData;
          if (r.how === 'client') {
            Object.assign(headers, { 'Next-Action': action.id, 'Content-Type': 'text/plain;charset=UTF-8', Accept: 'text/x-component' });
            body = r.body;
          } else {
            const forged = r.how === 'bound' ? forgedActionFields(target.name, target.kind, r.bound) : forgedActionFields(target.name, target.kind);
            body = toFormData([...Object.entries(forged), ...r.entries]);
          }
          const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual' });
          const text = await response.text();
          sent += 1;
          if (response.status >= 500) throw new Error(`${target.name} (${r.how}): ${response.status}`);
          if (STACK.test(text)) throw new Error(`${target.name} (${r.how}): a stack trace in the answer: ${STACK.exec(text)![0]}`);
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
      expect(await securityState(watched, org.id), `${target.name}: nothing changed`).toEqual(before);
    }
    expect(sent).toBe(RUNS * Object.keys(CALLER).length);
  } finally {
    for (const context of Object.values(contexts)) await context.dispose();
  }
});

test('the fuzz covers every server action of the build', () => {
  expect(Object.keys(CALLER).sort()).toEqual([...serverActions().keys()].sort());
});
