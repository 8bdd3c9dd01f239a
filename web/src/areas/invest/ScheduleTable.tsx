import { Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Amount } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { cny, type Schedule, type ScheduleRow } from './lending.ts';

/** A repayment schedule (a preview or a listing's), exact to the cent as the API computed it. */
export function ScheduleTable({ schedule, caption }: { schedule: Schedule; caption?: string }) {
  const { t } = useTranslation('invest');
  return (
    <>
      <Table<ScheduleRow>
        size="small"
        rowKey="period"
        dataSource={schedule.installments}
        pagination={schedule.installments.length > 12 ? { pageSize: 12 } : false}
        scroll={{ x: true }}
        aria-label={caption ?? t('schedule')}
        columns={[
          { title: t('period'), dataIndex: 'period' },
          { title: t('dueDate'), dataIndex: 'dueDate', render: (d: string) => <DateCell value={d} /> },
          {
            title: t('principal'),
            dataIndex: 'principal',
            align: 'right',
            render: (v: string) => <Amount value={cny(v)} />,
          },
          {
            title: t('interest'),
            dataIndex: 'interest',
            align: 'right',
            render: (v: string) => <Amount value={cny(v)} />,
          },
          {
            title: t('instalment'),
            dataIndex: 'total',
            align: 'right',
            render: (v: string) => <Amount value={cny(v)} strong />,
          },
          {
            title: t('remaining'),
            dataIndex: 'remainingPrincipal',
            align: 'right',
            render: (v: string) => <Amount value={cny(v)} />,
          },
        ]}
      />
      <Typography.Paragraph style={{ marginTop: 8 }}>
        {t('totals')}: {t('totalInterest')} <Amount value={cny(schedule.totalInterest)} /> ·{' '}
        {t('totalPayable')} <Amount value={cny(schedule.totalPayable)} />
      </Typography.Paragraph>
    </>
  );
}

/** A date that does not wrap inside a narrow table cell. */
export function DateCell({ value }: { value: string | null }) {
  return <span style={{ whiteSpace: 'nowrap' }}>{formatDate(value)}</span>;
}
