// Store-independent (metrics in memory only): the PostgreSQL unit run skips it (package.json test:unit:pg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { log } from '@/lib/log';
import { countSecurityEvent, metrics, registry } from './metrics';

async function value(name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await registry().getMetricsAsJSON()).find((m) => m.name === name);
  const found = (metric?.values as { labels: Record<string, string | number>; value: number }[] | undefined)?.find((v) =>
    Object.entries(labels).every(([k, l]) => v.labels[k] === l),
  );
  return found?.value ?? 0;
}

test('one registry and one set of metrics per process, whichever copy of the module asks', () => {
  assert.equal(registry(), registry());
  assert.equal(metrics(), metrics());
  assert.equal((globalThis as Record<symbol, unknown>)[Symbol.for('deskgate.metrics-registry')], registry());
});

test('security events count as the sign-in, second-factor and lock metrics', async () => {
  const before = {
    success: await value('deskgate_sign_ins_total', { method: 'password', outcome: 'success' }),
    sso: await value('deskgate_sign_ins_total', { method: 'sso', outcome: 'success' }),
    failed: await value('deskgate_sign_ins_total', { method: 'password', outcome: 'failed' }),
    refused: await value('deskgate_sign_ins_total', { method: 'sso', outcome: 'refused' }),
    totp: await value('deskgate_second_factor_failures_total', { step: 'sign_in', factor: 'totp' }),
    stepUp: await value('deskgate_second_factor_failures_total', { step: 'step_up', factor: 'totp' }),
    address: await value('deskgate_locks_total', { reason: 'password_address' }),
    account: await value('deskgate_locks_total', { reason: 'password_account' }),
    cap: await value('deskgate_locks_total', { reason: 'second_factor_cap' }),
  };
  process.env.DESKGATE_LOG = 'off'; // counted even when the lines are not written
  try {
    log('sign_in', { method: 'password', secondFactor: 'totp' });
    log('sign_in.recovery_code_used', { method: 'password' });
    log('sign_in', { method: 'sso' });
    log('sign_in.failed', { reason: 'unknown_email' });
    log('sign_in.sso_refused', { reason: 'unknown_subject' });
    log('sign_in.second_factor_failed', { factor: 'totp' });
    log('sign_in.locked', { throttle: 'ip' });
    log('sign_in.locked', { throttle: 'email' });
    log('step_up.failed', { factor: 'password' });
    log('step_up.failed', { factor: 'second', locked: false });
    log('2fa.suspended', { factor: 'recovery' });
    log('sign_in.challenge', { purpose: 'verify' });
  } finally {
    delete process.env.DESKGATE_LOG;
  }
  assert.equal(await value('deskgate_sign_ins_total', { method: 'password', outcome: 'success' }), before.success + 2);
  assert.equal(await value('deskgate_sign_ins_total', { method: 'sso', outcome: 'success' }), before.sso + 1);
  assert.equal(await value('deskgate_sign_ins_total', { method: 'password', outcome: 'failed' }), before.failed + 1);
  assert.equal(await value('deskgate_sign_ins_total', { method: 'sso', outcome: 'refused' }), before.refused + 1);
  assert.equal(await value('deskgate_second_factor_failures_total', { step: 'sign_in', factor: 'totp' }), before.totp + 1);
  assert.equal(await value('deskgate_second_factor_failures_total', { step: 'step_up', factor: 'totp' }), before.stepUp + 1, 'a wrong step-up password is not a second-factor failure');
  assert.equal(await value('deskgate_locks_total', { reason: 'password_address' }), before.address + 1);
  assert.equal(await value('deskgate_locks_total', { reason: 'password_account' }), before.account + 1);
  assert.equal(await value('deskgate_locks_total', { reason: 'second_factor_cap' }), before.cap + 1);
});

test('security keys count under their own labels: passkey sign-ins and webauthn failures', async () => {
  const before = {
    passkey: await value('deskgate_sign_ins_total', { method: 'passkey', outcome: 'success' }),
    passkeyFailed: await value('deskgate_sign_ins_total', { method: 'passkey', outcome: 'failed' }),
    key: await value('deskgate_second_factor_failures_total', { step: 'sign_in', factor: 'webauthn' }),
    keyStepUp: await value('deskgate_second_factor_failures_total', { step: 'step_up', factor: 'webauthn' }),
  };
  countSecurityEvent('sign_in', { method: 'passkey' });
  countSecurityEvent('sign_in.failed', { method: 'passkey', reason: 'unknown_key' });
  countSecurityEvent('sign_in.second_factor_failed', { factor: 'webauthn' });
  countSecurityEvent('step_up.failed', { factor: 'webauthn', locked: false });
  assert.equal(await value('deskgate_sign_ins_total', { method: 'passkey', outcome: 'success' }), before.passkey + 1);
  assert.equal(await value('deskgate_sign_ins_total', { method: 'passkey', outcome: 'failed' }), before.passkeyFailed + 1);
  assert.equal(await value('deskgate_second_factor_failures_total', { step: 'sign_in', factor: 'webauthn' }), before.key + 1);
  assert.equal(await value('deskgate_second_factor_failures_total', { step: 'step_up', factor: 'webauthn' }), before.keyStepUp + 1);
});

test('an event nobody counts changes no metric, and labels never carry what the event names', async () => {
  const before = await registry().metrics();
  countSecurityEvent('user.created', { email: 'someone@example.com' });
  countSecurityEvent('sign_in.failed', { reason: 'password', email: 'someone@example.com', ip: '203.0.113.9' });
  const after = await registry().metrics();
  assert.ok(!after.includes('someone@example.com') && !after.includes('203.0.113.9'));
  assert.notEqual(before, after, 'the failure was counted');
});

test('the text format names every metric the operations guide lists', async () => {
  metrics();
  const text = await registry().metrics();
  for (const name of ['deskgate_sign_ins_total', 'deskgate_second_factor_failures_total', 'deskgate_locks_total', 'deskgate_hash_queue_length', 'deskgate_hash_workers_busy', 'deskgate_hash_wait_seconds', 'deskgate_db_transaction_seconds', 'deskgate_mails_total', 'process_cpu_seconds_total']) {
    assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
  }
});

test('mail deliveries count by outcome: sent, deferred, failed', async () => {
  const outcomes = ['sent', 'deferred', 'failed'] as const;
  const before = await Promise.all(outcomes.map((outcome) => value('deskgate_mails_total', { outcome })));
  for (const outcome of outcomes) countSecurityEvent(`mail.${outcome}`, { mailId: 1, kind: '2fa.enabled', userId: 1 });
  countSecurityEvent('mail.sent', { mailId: 2, kind: 'test', userId: null });
  assert.deepEqual(await Promise.all(outcomes.map((outcome) => value('deskgate_mails_total', { outcome }))), [before[0]! + 2, before[1]! + 1, before[2]! + 1]);
});
