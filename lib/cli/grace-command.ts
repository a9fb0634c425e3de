import 'server-only';
import { findOrganization } from '@/lib/accounts/organizations';
import { setGraceDays } from '@/lib/accounts/grace-setting';
import { graceDaysField, slugField } from '@/lib/validation/accounts';
import { CliError, type Output } from './commands';
import { say, sayMessage } from './say';

type Values = Record<string, string | boolean | string[] | undefined>;

/**
 * `org:grace --slug SLUG --days 0–30`: the organization's grace period for required 2FA, as
 * /admin/settings sets it, audited as the operator. Registered in main.ts.
 */
export const graceCommands: Record<string, (v: Values) => Promise<Output>> = {
  async 'org:grace'(v) {
    const slug = slugField.safeParse(v.slug);
    if (!slug.success) throw new CliError(`--slug: ${sayMessage(slug.error.issues[0]!.message)}`);
    const days = graceDaysField.safeParse(v.days);
    if (!days.success) throw new CliError(`--days: ${sayMessage(days.error.issues[0]!.message)}`);
    const org = await findOrganization(slug.data);
    if (!org) throw new CliError(say('Cli.noOrganization', { slug: slug.data }));
    const result = await setGraceDays(org.id, days.data, { kind: 'operator' });
    const changed = 'changed' in result && result.changed;
    const period = days.data === 0 ? say('Cli.graceNone') : say('Cli.gracePeriod', { count: String(days.data), days: days.data });
    return { text: say('Cli.grace', { slug: org.slug, period, unchanged: changed ? '' : say('Cli.unchanged') }), data: { slug: org.slug, graceDays: days.data, changed } };
  },
};
