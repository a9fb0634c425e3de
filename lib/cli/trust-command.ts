import 'server-only';
import { findOrganization } from '@/lib/accounts/organizations';
import { setTrustSetting, trustSetting } from '@/lib/auth/trusted-browsers';
import { slugField } from '@/lib/validation/accounts';
import { setTrustedBrowsersSchema } from '@/lib/validation/forms';
import { CliError, type Output } from './commands';

type Values = Record<string, string | boolean | string[] | undefined>;

/**
 * `org:trusted-browsers --slug SLUG --on|--off [--days N]`: the organization's "Trust this browser"
 * setting, as /admin/settings sets it (the same validation), audited as the operator. Without --days
 * the number of days stays. Registered in main.ts.
 */
export const trustCommands: Record<string, (v: Values) => Promise<Output>> = {
  async 'org:trusted-browsers'(v) {
    if (v.on === v.off) throw new CliError('give exactly one of --on or --off');
    const slug = slugField.safeParse(v.slug);
    if (!slug.success) throw new CliError(`--slug: ${slug.error.issues[0]!.message}`);
    const org = await findOrganization(slug.data);
    if (!org) throw new CliError(`no organization has the slug "${slug.data}"`);
    const days = v.days === undefined ? String((await trustSetting(org.id)).days) : v.days;
    const parsed = setTrustedBrowsersSchema.safeParse({ trustedBrowsers: v.on === true ? 'on' : undefined, trustedBrowserDays: days });
    if (!parsed.success) throw new CliError(`--days: ${parsed.error.issues[0]!.message}`);
    const next = { allowed: v.on === true, days: parsed.data.trustedBrowserDays };
    const result = await setTrustSetting(org.id, next, { kind: 'operator' });
    const changed = 'changed' in result && result.changed;
    const ended = 'ended' in result ? result.ended : 0;
    const state = next.allowed ? `on, ${next.days} day${next.days === 1 ? '' : 's'}` : 'off';
    return { text: `Trusted browsers for ${org.slug}: ${state}${changed ? (ended ? ` (${ended} ended)` : '') : ' (unchanged)'}.`, data: { slug: org.slug, trustedBrowsers: next.allowed, trustedBrowserDays: next.days, changed, ended } };
  },
};
