import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { db } from '@/db';
import { auditEvents, organizations } from '@/db/schema';
import { createOrganization } from '@/lib/accounts/organizations';
import { CliError } from './commands';
import { trustCommands } from './trust-command';

process.env.DESKGATE_LOG = 'off';
// The answers in English whatever the machine's language (lib/cli/say.ts reads it for each answer).
process.env.LC_ALL = 'C';
const command = trustCommands['org:trusted-browsers']!;
const org = await createOrganization({ slug: 'trustcli', name: 'Trust CLI', policy: 'optional' }, { kind: 'operator' });
const stored = async () => (await (await db()).select({ allowed: organizations.trustedBrowsers, days: organizations.trustedBrowserDays }).from(organizations).where(eq(organizations.id, org.id)))[0]!;

test('org:trusted-browsers sets the setting, audited as the operator; without --days the days stay', async () => {
  assert.deepEqual(await stored(), { allowed: true, days: 30 }, 'on, 30 days by default');
  assert.deepEqual((await command({ slug: 'trustcli', on: true, days: '7' })).data, { slug: 'trustcli', trustedBrowsers: true, trustedBrowserDays: 7, changed: true, ended: 0 });
  assert.deepEqual(await stored(), { allowed: true, days: 7 });
  await command({ slug: 'trustcli', off: true });
  assert.deepEqual(await stored(), { allowed: false, days: 7 });
  assert.match((await command({ slug: 'trustcli', off: true })).text, /off \(unchanged\)/);
  const events = await (await db()).select({ action: auditEvents.action, actor: auditEvents.actorKind }).from(auditEvents).where(eq(auditEvents.orgId, org.id));
  assert.equal(events.filter((e) => e.action === 'org.trusted_browsers_changed' && e.actor === 'operator').length, 2);
});

test('org:trusted-browsers refuses bad input with one line and changes nothing', async () => {
  const before = await stored();
  for (const [values, message] of [
    [{ slug: 'trustcli' }, /exactly one of --on or --off/],
    [{ slug: 'trustcli', on: true, off: true }, /exactly one/],
    [{ slug: 'nope-nope', on: true }, /no organization/],
    [{ slug: 'trustcli', on: true, days: '0' }, /--days: Enter a whole number of days from 1 to 30/],
    [{ slug: 'trustcli', on: true, days: '31' }, /--days: /],
    [{ slug: 'trustcli', on: true, days: '2.5' }, /--days: /],
    [{ slug: 'trustcli', on: true, days: 'week' }, /--days: /],
  ] as const) {
    await assert.rejects(command(values), (error: Error) => error instanceof CliError && message.test(error.message));
  }
  assert.deepEqual(await stored(), before);
});
