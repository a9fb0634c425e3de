import 'server-only';
import { findOrganization } from '@/lib/accounts/organizations';
import { setTrustSetting, trustSetting } from '@/lib/auth/trusted-browsers';
import { slugField } from '@/lib/validation/accounts';
import { setTrustedBrowsersSchema } from '@/lib/validation/forms';
import { CliError, type Output } from './commands';
import { say, sayMessage } from './say';

type Values = Record<string, string | boolean | string[] | undefined>;

/**
 * `org:trusted-browsers --slug SLUG --on|--off [--days N]`: the organization's "Trust this browser"
 * setting, as /admin/settings sets it (the same validation), audited as the operator. Without --days
 * the number of days stays. Registered in main.ts.
 */
export const trustCommands: Record<string, (v: Values) => Promise<Output>> = {
  async 'org:trusted-browsers'(v) {
    if (v.on === v.off) throw new CliError(say('Cli.onOrOff'));
    const slug = slugField.safeParse(v.slug);
    if (!slug.success) throw new CliError(`--slug: ${sayMessage(slug.error.issues[0]!.message)}`);
    const org = await findOrganization(slug.data);
    if (!org) throw new CliError(say('Cli.noOrganization', { slug: slug.data }));
    const days = v.days === undefined ? String((await trustSetting(org.id)).days) : v.days;
    const parsed = setTrustedBrowsersSchema.safeParse({ trustedBrowsers: v.on === true ? 'on' : undefined, trustedBrowserDays: days });
    if (!parsed.success) throw new CliError(`--days: ${sayMessage(parsed.error.issues[0]!.message)}`);
    const next = { allowed: v.on === true, days: parsed.data.trustedBrowserDays };
    const result = await setTrustSetting(org.id, next, { kind: 'operator' });
    const changed = 'changed' in result && result.changed;
    const ended = 'ended' in result ? result.ended : 0;
    const state = next.allowed ? say('Cli.trustedOn', { count: String(next.days), days: next.days }) : say('Cli.off');
    const change = changed ? (ended ? say('Cli.trustedEnded', { count: String(ended) }) : '') : say('Cli.unchanged');
    return { text: say('Cli.trustedBrowsers', { slug: org.slug, state, change }), data: { slug: org.slug, trustedBrowsers: next.allowed, trustedBrowserDays: next.days, changed, ended } };
  },
};
