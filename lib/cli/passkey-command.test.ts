import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { db } from '@/db';
import { auditEvents, organizations } from '@/db/schema';
import { createOrganization } from '@/lib/accounts/organizations';
import { CliError } from './commands';
import { passkeyCommands } from './passkey-command';

process.env.DESKGATE_LOG = 'off';
// The answers in English whatever the machine's language (lib/cli/say.ts reads it for each answer).
process.env.LC_ALL = 'C';
const command = passkeyCommands['org:passkeys']!;
const org = await createOrganization({ slug: 'pkcli', name: 'PK CLI', policy: 'optional' }, { kind: 'operator' });
const stored = async () => (await (await db()).select({ on: organizations.passkeySignIn }).from(organizations).where(eq(organizations.id, org.id)))[0]!.on;

test('org:passkeys turns passkey sign-in off and on, audited as the operator', async () => {
  assert.deepEqual((await command({ slug: 'pkcli', off: true })).data, { slug: 'pkcli', passkeySignIn: false, changed: true });
  assert.equal(await stored(), false);
  assert.match((await command({ slug: 'pkcli', off: true })).text, /off \(unchanged\)/);
  await command({ slug: 'pkcli', on: true });
  assert.equal(await stored(), true);
  const events = await (await db()).select({ action: auditEvents.action, actor: auditEvents.actorKind }).from(auditEvents).where(eq(auditEvents.orgId, org.id));
  assert.equal(events.filter((e) => e.action === 'org.passkey_sign_in_changed' && e.actor === 'operator').length, 2);
});

test('org:passkeys refuses bad input with one line and changes nothing', async () => {
  for (const [values, message] of [[{ slug: 'pkcli' }, /exactly one of --on or --off/], [{ slug: 'pkcli', on: true, off: true }, /exactly one/], [{ slug: 'nope-nope', on: true }, /no organization/], [{ slug: 'BAD SLUG', off: true }, /--slug: /]] as const) {
    await assert.rejects(command(values), (error: Error) => error instanceof CliError && message.test(error.message));
  }
  assert.equal(await stored(), true);
});
