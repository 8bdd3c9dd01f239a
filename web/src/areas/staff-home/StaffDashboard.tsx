import { useQuery } from '@tanstack/react-query';
import { Space, Tag } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role } from '../../../../src/identity/roles.ts';
import { api } from '../../api.ts';
import { ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { can, useMe } from '../../session.tsx';
import { TodayFigures } from '../staff-analytics/TodayFigures.tsx';
import type { SectionProps } from './RoleSection.tsx';
import { CollectionsSection } from './roles/Collections.tsx';
import { ComplianceSection } from './roles/Compliance.tsx';
import { CrowdfundingSection } from './roles/Crowdfunding.tsx';
import { FinanceSection } from './roles/Finance.tsx';
import { LegalSection } from './roles/Legal.tsx';
import { OperationsSection } from './roles/Operations.tsx';
import { RiskSection } from './roles/Risk.tsx';

/** Each section, in the page's order, and the roles that see it (an admin sees every one). */
const SECTIONS: readonly {
  readonly name: string;
  readonly roles: readonly Role[];
  readonly Section: (props: SectionProps) => ReactNode;
}[] = [
  { name: 'collections', roles: ['collector', 'collection_supervisor'], Section: CollectionsSection },
  { name: 'finance', roles: ['finance'], Section: FinanceSection },
  { name: 'risk', roles: ['risk_officer'], Section: RiskSection },
  { name: 'legal', roles: ['legal'], Section: LegalSection },
  { name: 'compliance', roles: ['compliance'], Section: ComplianceSection },
  { name: 'operations', roles: ['operations'], Section: OperationsSection },
  { name: 'crowdfunding', roles: ['risk_officer', 'operations'], Section: CrowdfundingSection },
];

/**
 * The staff landing page: the figures of each of the signed-in staff member's roles (an admin's, of
 * every role), each with a link to the page that works them; operations keep the day-close dashboard.
 */
export function StaffDashboard() {
  const { t } = useTranslation('staffHome');
  const me = useMe().data;
  const date = useQuery({
    queryKey: ['batch', 'business-date'],
    queryFn: () => api.get<{ businessDate: string; closing: boolean }>('/v1/batch/business-date'),
  });
  if (!me) return null;
  const sees = (roles: readonly Role[]) =>
    me.roles.includes('admin') || roles.some((r) => me.roles.includes(r));
  const props: SectionProps = {
    me,
    today: date.data?.businessDate,
    closing: date.data?.closing ?? false,
  };
  return (
    <>
      <PageTitle
        extra={
          <Space wrap>
            {date.data ? <Tag>{t('businessDate', { date: formatDate(date.data.businessDate) })}</Tag> : null}
          </Space>
        }
      >
        {t('title')}
      </PageTitle>
      {date.isError && <ErrorAlert error={date.error} onRetry={() => void date.refetch()} />}
      {can(me, 'analytics:read') && <TodayFigures />}
      {SECTIONS.filter((s) => sees(s.roles)).map(({ name, Section }) => (
        <Section key={name} {...props} />
      ))}
    </>
  );
}
