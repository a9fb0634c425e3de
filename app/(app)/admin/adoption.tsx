import Link from 'next/link';
import { adoptionCounts, type RequiredBreakdown, type TwoFactorState } from '@/db/queries/admin-users';
import { formatDeadline } from '@/lib/auth/policy';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Each count's link text names what the filtered table shows (a link is read alone from a links list). */
const describe: Record<TwoFactorState, (n: number) => string> = {
  enabled: (n) => `${plural(n, 'password user', 'password users')} with 2FA`,
  not_set_up: (n) => `${plural(n, 'password user', 'password users')} without 2FA`,
  required: (n) => `${plural(n, 'password user', 'password users')} required to use 2FA who ${n === 1 ? 'has' : 'have'} not set it up`,
  sso: (n) => `${plural(n, 'SSO user', 'SSO users')} whose 2FA the identity provider manages`,
};
const ORDER: TwoFactorState[] = ['enabled', 'not_set_up', 'required', 'sso'];

/** Under "required, not set up": where their grace periods stand (the table shows each user's). */
function graceSummary(r: RequiredBreakdown, days: number, total: number): string | null {
  if (total === 0) return null;
  if (days === 0) return 'No grace period: they set it up at their next sign-in.';
  const parts = [
    r.inGrace ? `${r.inGrace} in their grace period${r.nearestDeadline === null ? '' : `, the nearest deadline ${formatDeadline(r.nearestDeadline, 'medium')}`}` : null,
    r.overdue ? `${r.overdue} overdue` : null,
    r.unstarted ? `${r.unstarted} whose grace period starts at their next sign-in` : null,
  ].filter((p) => p !== null);
  return parts.length ? `${parts.join('; ')}.` : null;
}

/**
 * "Adoption at a glance" (#21): the organization's users by 2FA state, each count a link to the users
 * table with that filter (the same numbers: adoptionCounts counts what the filter shows). A list of
 * text, so that nothing is told by colour alone.
 */
export async function AdoptionSummary({ org, headingLevel = 'h3' }: { org: { id: number; twoFactorPolicy: 'off' | 'optional' | 'required'; twoFactorGraceDays: number }; headingLevel?: 'h2' | 'h3' }) {
  const { counts, total, required } = await adoptionCounts(org);
  const Heading = headingLevel;
  const grace = graceSummary(required, org.twoFactorGraceDays, counts.required);
  return (
    <section aria-labelledby="adoption-heading" className="space-y-2">
      <Heading id="adoption-heading" className={headingLevel === 'h2' ? 'text-xl font-semibold' : 'text-lg font-semibold'}>2FA adoption</Heading>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {plural(total, 'account', 'accounts')} in your organization, invited and deactivated ones included, as in the filtered table.
      </p>
      <ul className="grid gap-2 sm:grid-cols-2" data-testid="adoption-counts">
        {ORDER.map((state) => (
          <li key={state} className="rounded-lg border border-slate-200 p-3 dark:border-slate-800">
            <Link href={`/admin/users?state=${state}`}>{describe[state](counts[state])}</Link>
            {state === 'required' && grace ? <p className="mt-1 text-sm">{grace}</p> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
