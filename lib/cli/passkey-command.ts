import 'server-only';
import { findOrganization } from '@/lib/accounts/organizations';
import { setPasskeySignIn } from '@/lib/accounts/passkey-setting';
import { slugField } from '@/lib/validation/accounts';
import { CliError, type Output } from './commands';
import { say, sayMessage } from './say';

type Values = Record<string, string | boolean | string[] | undefined>;

/**
 * `org:passkeys --slug SLUG --on|--off`: the organization's passkey sign-in, as /admin/settings sets
 * it, audited as the operator. Registered in main.ts.
 */
export const passkeyCommands: Record<string, (v: Values) => Promise<Output>> = {
  async 'org:passkeys'(v) {
    if (v.on === v.off) throw new CliError(say('Cli.onOrOff'));
    const slug = slugField.safeParse(v.slug);
    if (!slug.success) throw new CliError(`--slug: ${sayMessage(slug.error.issues[0]!.message)}`);
    const org = await findOrganization(slug.data);
    if (!org) throw new CliError(say('Cli.noOrganization', { slug: slug.data }));
    const on = v.on === true;
    const result = await setPasskeySignIn(org.id, on, { kind: 'operator' });
    const changed = 'changed' in result && result.changed;
    return { text: say('Cli.passkeys', { slug: org.slug, state: say(on ? 'Cli.on' : 'Cli.off'), unchanged: changed ? '' : say('Cli.unchanged') }), data: { slug: org.slug, passkeySignIn: on, changed } };
  },
};
