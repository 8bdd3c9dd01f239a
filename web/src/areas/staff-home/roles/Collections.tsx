import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type Money } from '../../../api.ts';
import { formatMoney } from '../../../money.ts';
import { can } from '../../../session.tsx';
import { count, lines, money, percent, RoleSection, type SectionProps } from '../RoleSection.tsx';

interface CollectionsSummary {
  businessDate: string;
  scope: 'me' | 'team';
  openCases: { stage: string; count: number; overdueAmount: Money }[];
  promisesDueToday: { count: number; amount: Money };
  promises30d: { kept: number; broken: number; keptRate: string | null };
  casesTouchedToday: number;
}

/** Sums decimal strings exactly (integer cents). */
function sumMoney(values: Money[]): Money {
  let cents = 0n;
  for (const v of values) {
    const [whole = '0', fraction = ''] = v.amount.split('.');
    cents += BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
  }
  return { amount: `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`, currency: 'CNY' };
}

/** A collector's own cases, or a supervisor's team's. */
export function CollectionsSection({ me }: SectionProps) {
  const { t } = useTranslation('staffHome');
  const scope = can(me, 'collections:supervise') ? 'team' : 'me';
  const summary = useQuery({
    queryKey: ['staff-home', 'collections', scope],
    queryFn: () => api.get<CollectionsSummary>('/v1/collections/summary', { scope }),
  });
  const s = summary.data;
  const open = s ? s.openCases.reduce((n, c) => n + c.count, 0) : undefined;
  const stages = (s?.openCases ?? []).map((c) =>
    t('collections.stageCases', { stage: c.stage, count: c.count, amount: formatMoney(c.overdueAmount) }),
  );
  const keptNote = s?.promises30d.keptRate
    ? t('collections.keptHint', s.promises30d)
    : t('collections.noPromises');
  return (
    <RoleSection
      title={scope === 'team' ? 'collections.team' : 'collections.mine'}
      watched={[summary]}
      loading={summary.isPending}
      width="quarter"
      figures={[
        {
          testId: 'collections-open',
          title: 'collections.openCases',
          value: count(open),
          note:
            s && s.openCases.length > 0
              ? t('collections.overdue', {
                  amount: formatMoney(sumMoney(s.openCases.map((c) => c.overdueAmount))),
                })
              : t('collections.noCases'),
          link: { to: '/staff/collections', label: 'collections.queue' },
        },
        { title: 'collections.byStage', value: lines(stages, t('collections.noCases')) },
        {
          testId: 'collections-due',
          title: 'collections.dueToday',
          value: money(s?.promisesDueToday.amount),
          note: s ? t('collections.dueTodayHint', { count: s.promisesDueToday.count }) : undefined,
        },
        {
          title: 'collections.keptRate',
          value: percent(s?.promises30d.keptRate),
          note: s ? keptNote : undefined,
        },
        { title: 'collections.touched', value: count(s?.casesTouchedToday) },
      ]}
    />
  );
}
