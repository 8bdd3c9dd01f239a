import { Card, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { QueryView } from '../../components/ui.tsx';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';
import type { Collector } from './types.ts';
import { useCollectors } from './useCollectors.ts';

/** Supervisors: collectors with their tier, region and open cases. */
export function Collectors() {
  const { t } = useTranslation('staffCollections');
  const { collectors, nameOf } = useCollectors();
  return (
    <Card title={t('collectorsTitle')}>
      <QueryView query={collectors} empty={(d) => d.items.length === 0}>
        {(data) => (
          <ResponsiveTable<Collector>
            label={t('collectorsTitle')}
            rowKey="userId"
            size="small"
            pagination={false}
            dataSource={data.items}
            columns={[
              { title: t('name'), dataIndex: 'userId', render: (v: string) => nameOf(v) },
              {
                title: t('tier'),
                dataIndex: 'tier',
                render: (v: string) => t(`tiers.${v}`, { defaultValue: v }),
              },
              { title: t('region'), dataIndex: 'region', render: (v: string | null) => v ?? '—' },
              {
                title: t('active'),
                dataIndex: 'active',
                render: (v: boolean) => <Tag color={v ? 'success' : 'default'}>{v ? t('yes') : t('no')}</Tag>,
              },
              { title: t('openCases'), dataIndex: 'openCases', align: 'right' },
            ]}
          />
        )}
      </QueryView>
    </Card>
  );
}
