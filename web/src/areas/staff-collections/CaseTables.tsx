import { Card, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Amount } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';
import { type CaseDetailView, cny, type Installment } from './types.ts';

const money = (v: string) => <Amount value={cny(v)} />;
const statusColor: Record<string, string> = {
  overdue: 'error',
  broken: 'error',
  paid: 'success',
  kept: 'success',
  partly_paid: 'warning',
  pending: 'processing',
};

export function Schedule({ installments }: { installments: Installment[] }) {
  const { t } = useTranslation('staffCollections');
  return (
    <Card title={t('schedule')} size="small">
      <ResponsiveTable<Installment>
        label={t('schedule')}
        rowKey="period"
        size="small"
        pagination={false}
        dataSource={installments}
        columns={[
          { title: t('period'), dataIndex: 'period' },
          { title: t('dueDate'), dataIndex: 'dueDate', render: (v: string) => formatDate(v) },
          { title: t('principal'), dataIndex: 'principal', align: 'right', render: money },
          { title: t('interest'), dataIndex: 'interest', align: 'right', render: money },
          { title: t('penalty'), dataIndex: 'penalty', align: 'right', render: money },
          { title: t('paid'), dataIndex: 'paid', align: 'right', render: money },
          { title: t('outstanding'), dataIndex: 'outstanding', align: 'right', render: money },
          {
            title: t('status'),
            dataIndex: 'status',
            render: (v: string) => (
              <Tag color={statusColor[v]}>{t(`statuses.${v}`, { defaultValue: v })}</Tag>
            ),
          },
        ]}
      />
    </Card>
  );
}

export function ContactHistory({
  detail,
  nameOf,
}: {
  detail: CaseDetailView;
  nameOf: (id: string | null) => string;
}) {
  const { t } = useTranslation('staffCollections');
  const partyName = (party: string) => {
    if (party === 'borrower') return t('relations.borrower');
    const contact = detail.borrower.contacts.find((c) => c.id === party);
    return contact ? `${contact.name} · ${t(`relations.${contact.relation}`)}` : party;
  };
  return (
    <Card title={t('history')} size="small">
      <ResponsiveTable<CaseDetailView['contacts'][number]>
        label={t('history')}
        rowKey="id"
        size="small"
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        dataSource={detail.contacts}
        columns={[
          { title: t('at'), dataIndex: 'at', render: (v: string) => formatDate(v) },
          {
            title: t('channel'),
            dataIndex: 'channel',
            render: (v: string) => t(`channels.${v}`, { defaultValue: v }),
          },
          { title: t('party'), dataIndex: 'party', render: partyName },
          {
            title: t('outcome'),
            dataIndex: 'outcome',
            render: (v: string) => t(`outcomes.${v}`, { defaultValue: v }),
          },
          {
            title: t('collector'),
            dataIndex: 'collectorId',
            render: (v: string | null) => (v ? nameOf(v) : t('system')),
          },
          {
            title: t('note'),
            dataIndex: 'note',
            render: (v: string | null, row) => v ?? row.template ?? '—',
          },
        ]}
      />
    </Card>
  );
}

export function Promises({ promises }: { promises: CaseDetailView['promises'] }) {
  const { t } = useTranslation('staffCollections');
  return (
    <Card title={t('promises')} size="small">
      <ResponsiveTable<CaseDetailView['promises'][number]>
        label={t('promises')}
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={promises}
        columns={[
          { title: t('promisedOn'), dataIndex: 'promisedOn', render: (v: string) => formatDate(v) },
          { title: t('amount'), dataIndex: 'amount', align: 'right', render: money },
          { title: t('madeOn'), dataIndex: 'madeOn', render: (v: string) => formatDate(v) },
          {
            title: t('status'),
            dataIndex: 'status',
            render: (v: string) => (
              <Tag color={statusColor[v]}>{t(`statuses.${v}`, { defaultValue: v })}</Tag>
            ),
          },
          { title: t('resolvedOn'), dataIndex: 'resolvedOn', render: (v: string | null) => formatDate(v) },
        ]}
      />
    </Card>
  );
}
