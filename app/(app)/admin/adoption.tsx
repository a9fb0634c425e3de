import Link from 'next/link';
import { adoptionCounts, type RequiredBreakdown, type TwoFactorState } from '@/db/queries/admin-users';
import { getLocale, getTranslations } from 'next-intl/server';
import { formatDeadline } from '@/lib/auth/policy';
import { isLocale, type Locale } from '@/lib/i18n/locales';

const ORDER: TwoFactorState[] = ['enabled', 'not_set_up', 'required', 'sso'];

type Translate = Awaited<ReturnType<typeof getTranslations<'Adoption'>>>;

/** A count for a message: `n` chooses the plural form, `count` is printed as it is ("1000 accounts", never grouped). */
const counted = (n: number) => ({ n, count: String(n) });

/** Under "required, not set up": where their grace periods stand (the table shows each user's). */
function graceSummary(r: RequiredBreakdown, days: number, total: number, t: Translate, locale: Locale): string | null {
  if (total === 0) return null;
  if (days === 0) return t('noGrace');
  const parts = [
    r.inGrace ? (r.nearestDeadline === null ? t('inGrace', { n: String(r.inGrace) }) : t('inGraceNearest', { n: String(r.inGrace), deadline: formatDeadline(r.nearestDeadline, 'medium', locale) })) : null,
    r.overdue ? t('overdue', { n: String(r.overdue) }) : null,
    r.unstarted ? t('unstarted', { n: String(r.unstarted) }) : null,
  ].filter((p) => p !== null);
  return parts.length ? t('sentence', { parts: parts.join(t('separator')) }) : null;
}

/**
 * "Adoption at a glance" (#21): the organization's users by 2FA state, each count a link to the users
 * table with that filter (the same numbers: adoptionCounts counts what the filter shows). A list of
 * text, so that nothing is told by colour alone.
 */
export async function AdoptionSummary({ org, headingLevel = 'h3' }: { org: { id: number; twoFactorPolicy: 'off' | 'optional' | 'required'; twoFactorGraceDays: number }; headingLevel?: 'h2' | 'h3' }) {
  const { counts, total, required } = await adoptionCounts(org);
  const Heading = headingLevel;
  const t = await getTranslations('Adoption');
  const locale = await getLocale();
  const grace = graceSummary(required, org.twoFactorGraceDays, counts.required, t, isLocale(locale) ? locale : 'en');
  return (
    <section aria-labelledby="adoption-heading" className="space-y-2">
      <Heading id="adoption-heading" className={headingLevel === 'h2' ? 'text-xl font-semibold' : 'text-lg font-semibold'}>{t('heading')}</Heading>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {t('total', counted(total))}
      </p>
      <ul className="grid gap-2 sm:grid-cols-2" data-testid="adoption-counts">
        {ORDER.map((state) => (
          <li key={state} className="rounded-lg border border-slate-200 p-3 dark:border-slate-800">
            <Link href={`/admin/users?state=${state}`}>{/* Each count's link text names what the filtered table shows (a link is read alone from a links list). */}
            {t(state, counted(counts[state]))}</Link>
            {state === 'required' && grace ? <p className="mt-1 text-sm">{grace}</p> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
