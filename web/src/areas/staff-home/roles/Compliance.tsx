import { useTranslation } from 'react-i18next';
import { count, RoleSection, useCount } from '../RoleSection.tsx';

/** Open anti-money-laundering cases (and those under monitoring), and screening matches waiting. */
export function ComplianceSection() {
  const { t } = useTranslation('staffHome');
  const cases = useCount('aml-open', '/v1/aml/cases', { status: 'open' });
  const monitoring = useCount('aml-monitoring', '/v1/aml/cases', { status: 'monitoring' });
  const matches = useCount('screening-open', '/v1/screening/matches', { status: 'open' });
  return (
    <RoleSection
      title="compliance.title"
      watched={[cases.query, matches.query]}
      width="half"
      figures={[
        {
          testId: 'aml-cases',
          loading: cases.query.isPending,
          title: 'compliance.cases',
          value: count(cases.count, cases.full),
          note: monitoring.count ? t('compliance.monitoring', { count: monitoring.count }) : undefined,
          link: { to: '/staff/aml', label: 'compliance.casesPage' },
        },
        {
          testId: 'screening-matches',
          loading: matches.query.isPending,
          title: 'compliance.matches',
          value: count(matches.count, matches.full),
          link: { to: '/staff/screening/matches', label: 'compliance.matchesPage' },
        },
      ]}
    />
  );
}
