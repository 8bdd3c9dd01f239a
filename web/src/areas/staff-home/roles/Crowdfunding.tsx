import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api.ts';
import type { Complaint, Project } from '../../crowdfunding/types.ts';
import { age, count, PAGE, RoleSection } from '../RoleSection.tsx';

/** Crowdfunding's review queue, milestone evidence waiting for staff, and open complaints. */
export function CrowdfundingSection() {
  const { t } = useTranslation('staffHome');
  const submitted = useQuery({
    queryKey: ['staff-home', 'crowdfunding', 'submitted'],
    queryFn: () =>
      api.get<{ items: Project[] }>('/v1/crowdfunding/staff/projects', { status: 'submitted', limit: PAGE }),
  });
  const succeeded = useQuery({
    queryKey: ['staff-home', 'crowdfunding', 'succeeded'],
    queryFn: () =>
      api.get<{ items: Project[] }>('/v1/crowdfunding/staff/projects', { status: 'succeeded', limit: PAGE }),
  });
  const complaints = useQuery({
    queryKey: ['staff-home', 'crowdfunding', 'complaints'],
    queryFn: () => api.get<{ items: Complaint[] }>('/v1/crowdfunding/staff/complaints', { status: 'open' }),
  });
  const waiting = submitted.data?.items ?? [];
  const oldest = waiting
    .map((p) => p.submittedAt ?? p.updatedAt)
    .sort()
    .at(0);
  const evidence = (succeeded.data?.items ?? []).filter((p) =>
    p.milestones.some((m) => m.status === 'submitted'),
  );
  return (
    <RoleSection
      title="crowdfunding.title"
      watched={[submitted, succeeded, complaints]}
      width="quarter"
      figures={[
        {
          testId: 'crowdfunding-queue',
          loading: submitted.isPending,
          title: 'crowdfunding.queue',
          value: count(submitted.data?.items.length, waiting.length >= PAGE),
          note: t('crowdfunding.queueHint'),
          link: { to: '/staff/crowdfunding', label: 'crowdfunding.page' },
        },
        {
          loading: submitted.isPending,
          title: 'crowdfunding.oldest',
          value: age(oldest, t('crowdfunding.none')),
        },
        {
          loading: succeeded.isPending,
          title: 'crowdfunding.milestones',
          value: count(succeeded.data ? evidence.length : undefined),
          link: { to: '/staff/crowdfunding?tab=milestones', label: 'crowdfunding.page' },
        },
        {
          loading: complaints.isPending,
          title: 'crowdfunding.complaints',
          value: count(complaints.data?.items.length),
          link: { to: '/staff/crowdfunding?tab=complaints', label: 'crowdfunding.page' },
        },
      ]}
    />
  );
}
