import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api.ts';
import { formatDate } from '../../../i18n/index.ts';
import { age, count, PAGE, RoleSection, type SectionProps } from '../RoleSection.tsx';

interface DecisionsByVariant {
  decisions: number;
  approvalRate: number;
  referRate: number;
  declineRate: number;
}

/** The credit decisions of the business day, and the manual review queue. */
export function RiskSection({ today }: SectionProps) {
  const { t } = useTranslation('staffHome');
  const reviews = useQuery({
    queryKey: ['staff-home', 'risk-reviews'],
    queryFn: () => api.get<{ items: { createdAt: string }[] }>('/v1/risk/reviews', { limit: PAGE }),
  });
  const decisions = useQuery({
    queryKey: ['staff-home', 'risk-decisions', today],
    queryFn: () =>
      api.get<{ items: DecisionsByVariant[] }>('/v1/risk/reports/challenger', { from: today, to: today }),
    enabled: !!today,
  });
  const decided = (decisions.data?.items ?? []).reduce(
    (acc, v) => ({
      total: acc.total + v.decisions,
      approved: acc.approved + Math.round(v.decisions * v.approvalRate),
      referred: acc.referred + Math.round(v.decisions * v.referRate),
      declined: acc.declined + Math.round(v.decisions * v.declineRate),
    }),
    { total: 0, approved: 0, referred: 0, declined: 0 },
  );
  const waiting = reviews.data?.items ?? [];
  const oldest = waiting[0]?.createdAt;
  return (
    <RoleSection
      title="risk.title"
      watched={[reviews, decisions]}
      width="third"
      figures={[
        {
          testId: 'risk-decided',
          loading: decisions.isPending,
          title: 'risk.decidedToday',
          value: count(decided.total),
          note: t('risk.decidedHint', decided),
        },
        {
          testId: 'risk-queue',
          loading: reviews.isPending,
          title: 'risk.queue',
          value: count(reviews.data?.items.length, waiting.length >= PAGE),
          note: t('risk.queueHint'),
          link: { to: '/staff/reviews', label: 'risk.page' },
        },
        {
          loading: reviews.isPending,
          title: 'risk.oldest',
          value: age(oldest, t('risk.none')),
          note: oldest ? formatDate(oldest) : undefined,
        },
      ]}
    />
  );
}
