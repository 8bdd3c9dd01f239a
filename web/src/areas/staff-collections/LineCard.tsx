import { Card, Descriptions } from 'antd';
import { useTranslation } from 'react-i18next';
import { Amount } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { type CaseLine, cny } from './types.ts';

/** The credit line of a line's case: its state, limit and use, and its delinquency now. */
export function LineCard({ line }: { line: CaseLine }) {
  const { t } = useTranslation('staffCollections');
  return (
    <Card title={t('creditLine')} size="small">
      <Descriptions
        column={{ xs: 1, sm: 2, lg: 4 }}
        size="small"
        items={[
          {
            key: 'lineStatus',
            label: t('status'),
            children: line.frozenReason ? `${line.status} · ${line.frozenReason}` : line.status,
          },
          { key: 'limit', label: t('limit'), children: <Amount value={cny(line.limit)} /> },
          { key: 'used', label: t('used'), children: <Amount value={cny(line.used)} /> },
          { key: 'available', label: t('available'), children: <Amount value={cny(line.available)} /> },
          {
            key: 'overdueSince',
            label: t('overdueSince'),
            children: line.delinquency ? formatDate(line.delinquency.since) : '—',
          },
          {
            key: 'lineOverdue',
            label: t('overdue'),
            children: line.delinquency ? <Amount value={cny(line.delinquency.overdueAmount)} strong /> : '—',
          },
        ]}
      />
    </Card>
  );
}
