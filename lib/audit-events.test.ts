import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { translatorFor } from '@/lib/i18n/translate';
import { AUDIT_ACTIONS, describeEvent, eventLabel, eventSentence, eventTypeGroups, isAuditAction, type SentenceParts } from './audit-events';

const root = path.resolve(import.meta.dirname, '..');
const ada = { actor: 'Ada Admin', target: 'Max Member', self: false };
const max = { actor: 'Max Member', target: 'Max Member', self: true };

/** A detail of the shape each type is written with (so every sentence's detail branches run). */
const SAMPLE_DETAIL: Record<string, Record<string, unknown>> = {
  sign_in: { method: 'password', secondFactor: 'totp', codesLeft: 10 },
  'sign_in.recovery_code_used': { method: 'password', secondFactor: 'recovery', codesLeft: 7 },
  'sign_in.failed': { reason: 'password' },
  'sign_in.second_factor_failed': { factor: 'totp' },
  'sign_in.locked': { factor: 'totp', began: true },
  'step_up.failed': { factor: 'password', locked: true },
  'step_up.recovery_code_used': { codesLeft: 3 },
  'sso.linked': { issuer: 'https://idp.example' },
  'session.revoked': { device: 'Firefox on Linux', signedInAt: '2026-12-01T10:00:00.000Z', clientAddress: '192.0.2.1', current: false },
  'sessions.revoked_others': { count: 2 },
  'sessions.revoked_all': { count: 3 },
  'trusted_browser.added': { days: 30, expiresAt: 1 },
  'trusted_browser.removed': { addedAt: 1 },
  'org.trusted_browsers_changed': { from: { allowed: true, days: 30 }, to: { allowed: false, days: 30 }, ended: 4 },
  '2fa.enabled': { factor: 'webauthn' },
  '2fa.disabled': { lastKey: true },
  '2fa.reset': { reason: 'lost phone' },
  'webauthn.key_added': { credentialId: 'c1', name: 'Blue key' },
  'webauthn.key_renamed': { credentialId: 'c1', name: 'Red key' },
  'webauthn.key_removed': { credentialId: 'c1', name: 'Red key' },
  'webauthn.counter_regression': { credentialId: 'c1', stored: 9, received: 3 },
  'user.created': { email: 'max@example.com', role: 'member', method: 'password' },
  'user.invited': { email: 'max@example.com', role: 'admin', method: 'password' },
  'user.invitation_revoked': { email: 'max@example.com' },
  'user.2fa_required': { sessionsEnded: 2 },
  'org.created': { slug: 'acme', policy: 'optional' },
  'org.policy_changed': { from: 'optional', to: 'required', usersSignedOut: 4 },
  'org.passkey_sign_in_changed': { from: false, to: true },
  'org.bulk_users_created': { count: 1000, twoFactor: 0.4, sso: 0.15 },
  'db.restored': { from: 'backup.db', pages: 10, replacedUsers: 3 },
  'mail.retried': { mails: 2 },
  'mail.test_queued': { to: 'ops@example.com' },
};

test('the sentences the issue names read as written', () => {
  assert.equal(eventSentence('2fa.reset', { ...ada, detail: {} }), 'Ada Admin reset 2FA for Max Member');
  assert.equal(eventSentence('sign_in.recovery_code_used', { ...max, detail: { codesLeft: 7 } }), 'Max Member signed in with a recovery code — 7 left');
  assert.equal(eventSentence('sign_in.locked', { actor: 'Deskgate', target: 'Max Member', self: false, detail: { factor: 'totp' } }), 'Sign-in locked for Max Member after too many wrong codes');
  assert.equal(eventSentence('audit.exported', { actor: 'Ada Admin', target: null, self: false, detail: {} }), 'Ada Admin exported the audit log');
  assert.equal(eventSentence('users.exported', { actor: 'Ada', target: null, self: false, detail: { state: 'required' } }), 'Ada exported the users list');
  assert.equal(eventSentence('2fa.reset', { ...ada, detail: { reason: 'lost phone' } }), 'Ada Admin reset 2FA for Max Member — reason: “lost phone”');
  assert.equal(eventSentence('2fa.enabled', { ...max, detail: {} }), 'Max Member turned on two-factor authentication with an authenticator app');
  assert.equal(eventSentence('password.changed', { ...max, detail: {} }), 'Max Member changed their password');
  assert.equal(eventSentence('sessions.revoked_all', { ...ada, detail: { count: 3 } }), 'Ada Admin signed Max Member out everywhere — 3 sessions ended');
  assert.equal(eventSentence('org.trusted_browsers_changed', { ...ada, target: null, detail: { from: { allowed: true, days: 30 }, to: { allowed: true, days: 7 }, ended: 1 } }), 'Ada Admin changed trusted browsers from on for 30 days to on for 7 days — 1 trusted browser ended');
});

test('every registered type has a sentence and a label, with any detail, from any actor', () => {
  const details: Record<string, unknown>[] = [{}, { codesLeft: -1, name: 12, reason: null, from: {}, to: [], count: 'many', method: 'x' }];
  for (const action of AUDIT_ACTIONS) {
    for (const t of [translatorFor('en'), translatorFor('de')]) {
      assert.ok(eventLabel(action, t).length > 0 && eventLabel(action, t) !== action, action);
      for (const who of [ada, max, { actor: 'An operator (command line)', target: null, self: false }]) {
        for (const detail of [SAMPLE_DETAIL[action] ?? {}, ...details]) {
          const sentence = eventSentence(action, { ...who, detail }, t);
          assert.ok(sentence.length > 10, `${action}: ${sentence}`);
          // Its own sentence, not the fallback for unknown types, and no value printed as code would.
          assert.ok(!sentence.includes(`event ${action}`) && !sentence.includes(`Ereignis ${action}`), `${action} fell back: ${sentence}`);
          assert.doesNotMatch(sentence, /undefined|null|\[object|NaN/, `${action}: ${sentence}`);
        }
      }
    }
  }
  // The select lists every type once.
  assert.deepEqual(eventTypeGroups().flatMap((g) => g.types.map((t) => t.action)).sort(), [...AUDIT_ACTIONS].sort());
});

test('in German, the same events read as a German administrator writes them; counts are never grouped', () => {
  const de = translatorFor('de');
  assert.equal(eventSentence('2fa.reset', { ...ada, detail: { reason: 'lost phone' } }, de), 'Ada Admin hat die 2FA für Max Member zurückgesetzt — Grund: „lost phone“');
  assert.equal(eventSentence('sign_in.recovery_code_used', { ...max, detail: { codesLeft: 7 } }, de), 'Max Member hat sich mit einem Wiederherstellungscode angemeldet — noch 7 übrig');
  assert.equal(eventSentence('password.changed', { ...max, detail: {} }, de), 'Max Member hat das eigene Passwort geändert');
  assert.equal(eventSentence('password.changed', { ...ada, detail: {} }, de), 'Ada Admin hat das Passwort von Max Member geändert');
  assert.equal(eventSentence('sessions.revoked_all', { ...ada, detail: { count: 1 } }, de), 'Ada Admin hat Max Member überall abgemeldet — 1 Sitzung beendet');
  assert.equal(eventSentence('org.policy_changed', { ...ada, target: null, detail: { from: 'optional', to: 'required', usersSignedOut: 2 } }, de), 'Ada Admin hat die 2FA-Richtlinie von Optional auf Verlangt geändert — 2 Benutzer abgemeldet');
  assert.equal(eventSentence('org.bulk_users_created', { ...ada, target: null, detail: { count: 1000 } }), 'Ada Admin added 1000 users in bulk');
  assert.equal(eventSentence('org.bulk_users_created', { ...ada, target: null, detail: { count: 1000 } }, de), 'Ada Admin hat 1000 Benutzer per Massenimport hinzugefügt');
  assert.equal(eventSentence('legacy.thing', { ...ada, detail: {} }, de), 'Ada Admin: Ereignis legacy.thing zu Max Member');
  assert.deepEqual(eventTypeGroups(de)[0]!.label, 'Anmeldung');
  assert.equal(eventLabel('2fa.reset', de), '2FA zurückgesetzt');
  assert.equal(eventLabel('2fa.reset'), '2FA reset');
});

test('a type no longer registered, or an unreadable detail, reads as a neutral sentence with its raw code', () => {
  const row = { action: 'legacy.thing', actorKind: 'user', actorUserId: 1, actorName: 'Ada Admin', actorEmail: 'ada@example.com', targetUserId: 2, targetName: 'Max Member', targetEmail: 'max@example.com', detail: '{not json' };
  const view = describeEvent(row);
  assert.equal(view.sentence, 'Ada Admin: event legacy.thing about Max Member');
  assert.deepEqual(view.detail, {});
  assert.equal(describeEvent({ ...row, action: '__proto__', detail: '[1,2]' }).sentence, 'Ada Admin: event __proto__ about Max Member');
  assert.equal(isAuditAction('constructor'), false);
  assert.equal(describeEvent({ ...row, action: 'sign_out', actorKind: 'system', actorUserId: null, actorName: null, actorEmail: null, targetName: null, targetEmail: null }).sentence, 'A removed user signed out');
  assert.equal(describeEvent({ ...row, action: 'org.created', actorKind: 'operator', actorUserId: null, targetUserId: null, detail: '{"slug":"acme"}' }).sentence, 'An operator (command line) created the organization “acme”');
});

test('names are data: a name made of markup stays in the sentence as the same text', () => {
  const hostile: SentenceParts = { actor: '<img src=x onerror=alert(1)>', target: '"><script>alert(2)</script>', self: false, detail: { name: '<b>key</b>' } };
  const sentence = eventSentence('webauthn.key_added', hostile);
  assert.equal(sentence, '<img src=x onerror=alert(1)> added the security key “<b>key</b>” for "><script>alert(2)</script>');
});

// ---- Every action the code writes has a sentence ----

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(rel);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [rel] : [];
  });
}

/** The text of a call's arguments, from the "(" after `start` to its matching ")". */
function callArguments(source: string, open: number): string {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    if (source[i] === '(') depth++;
    else if (source[i] === ')' && --depth === 0) return source.slice(open + 1, i);
  }
  return source.slice(open + 1);
}

/** The string literals an expression may evaluate to (a literal compared against is a condition, not a value). */
const literals = (expression: string) =>
  [...expression.replace(/[!=]==?\s*'[^'\n]*'|'[^'\n]*'\s*[!=]==?/g, '').matchAll(/'([^'\n]+)'/g)].map((m) => m[1]!);

/**
 * The actions each audit()/auditAlone() call in app/ and lib/ writes: the string literals of its
 * `action` (an inline expression, or the `const` it names). A call whose action cannot be read that
 * way is reported too, so that every action stays visible to this check.
 */
function writtenActions() {
  const found: { file: string; action: string }[] = [];
  const unreadable: string[] = [];
  for (const file of [...sourceFiles('app'), ...sourceFiles('lib')]) {
    // lib/audit.ts defines them (auditAlone passes its entry on); comments are not calls.
    if (file === path.join('lib', 'audit.ts')) continue;
    const source = readFileSync(path.join(root, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
    for (const call of source.matchAll(/\baudit(?:Alone)?\(/g)) {
      const args = callArguments(source, call.index + call[0].length - 1);
      const inline = /\baction:\s*([^,}]+)/.exec(args);
      const named = inline ? /^\s*([A-Za-z_$][\w$]*)\s*$/.exec(inline[1]!)?.[1] : /[{,]\s*action\s*[,}]/.test(args) ? 'action' : undefined;
      const expression = named ? [...source.matchAll(new RegExp(`const ${named}\\s*=\\s*([^;]+);`, 'g'))].map((m) => m[1]!).join(' ') : (inline?.[1] ?? '');
      const actions = literals(expression);
      if (actions.length === 0) unreadable.push(`${file}: audit(${args.slice(0, 120)}…)`);
      for (const action of actions) found.push({ file, action });
    }
  }
  return { found, unreadable };
}

test('every action the app writes has a sentence (a new type without one fails here)', () => {
  const { found, unreadable } = writtenActions();
  assert.deepEqual(unreadable, [], 'audit() calls whose action is not a literal (or a const of literals) this check can read');
  const missing = found.filter(({ action }) => !isAuditAction(action)).map(({ file, action }) => `${file}: ${action}`);
  assert.deepEqual(missing, [], 'actions written without a sentence in lib/audit-events.ts');
  // The check sees the calls it is meant to: across the app, including ternaries and named consts.
  const seen = new Set(found.map((f) => f.action));
  for (const action of ['2fa.reset', 'sign_in.recovery_code_used', 'sign_in.second_factor_failed', '2fa.reconfigured', 'mail.test_queued', 'user.reactivated']) assert.ok(seen.has(action), action);
  assert.ok(seen.size >= 40, `only ${seen.size} actions found`);
});

test('the check fails on a call with an unregistered action', () => {
  assert.equal(isAuditAction('session.revoked_somewhere'), false);
  assert.deepEqual(literals(`result.tripped ? '2fa.suspended' : 'step_up.failed'`), ['2fa.suspended', 'step_up.failed']);
  assert.deepEqual(literals(`accepted.kind === 'recovery' ? 'sign_in.recovery_code_used' : 'sign_in'`), ['sign_in.recovery_code_used', 'sign_in']);
});
