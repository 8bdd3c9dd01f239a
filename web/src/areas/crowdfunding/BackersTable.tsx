import type { ColumnsType } from 'antd/es/table';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Amount } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';
import { BackingStatusTag, DeliveryText } from './backing-parts.tsx';
import type { Project, ShippingRow } from './types.ts';

/**
 * A project's backers, never named: numbered in the order they backed, with the reward, amount, state,
 * delivery and the address of a reward that ships (in full for the creator, masked for staff), and
 * what the viewer may do with each. The creator's page and staff's page show it.
 */
export function BackersTable({
  project,
  rows,
  loading,
  addressTitle,
  mark,
  actions,
  highlighted,
}: {
  project: Project;
  rows: readonly ShippingRow[];
  loading?: boolean;
  addressTitle: string;
  /** Something to show beside a backer's number (staff: the backing a complaint is about). */
  mark?: (row: ShippingRow) => ReactNode;
  actions: (row: ShippingRow) => ReactNode;
  highlighted?: string | null;
}) {
  const { t } = useTranslation('crowdfunding');
  const ordered = [...rows].sort((a, b) => a.backing.createdAt.localeCompare(b.backing.createdAt));
  const number = new Map(ordered.map((row, i) => [row.backing.id, i + 1]));
  const columns: ColumnsType<ShippingRow> = [
    {
      title: t('manage.backer'),
      key: 'backer',
      render: (_v, r) => (
        <span>
          {t('manage.backerN', { n: number.get(r.backing.id) })}
          {mark?.(r)}
        </span>
      ),
    },
    { title: t('mine.backedOn'), key: 'date', render: (_v, r) => formatDate(r.backing.createdAt) },
    {
      title: t('mine.reward'),
      key: 'reward',
      render: (_v, r) => project.tiers.find((x) => x.id === r.backing.tierId)?.title ?? t('back.noReward'),
    },
    {
      title: t('mine.amount'),
      key: 'amount',
      align: 'right',
      render: (_v, r) => <Amount value={r.backing.amount} />,
    },
    { title: t('mine.status'), key: 'status', render: (_v, r) => <BackingStatusTag backing={r.backing} /> },
    {
      title: t('mine.delivery'),
      key: 'delivery',
      render: (_v, r) => (r.backing.tierId ? <DeliveryText backing={r.backing} /> : '—'),
    },
    {
      title: addressTitle,
      key: 'address',
      render: (_v, r) =>
        !r.shipping ? (
          t('manage.noShipping')
        ) : r.address ? (
          <span
            style={{ whiteSpace: 'pre-wrap' }}
          >{`${r.address.name} ${r.address.phone}\n${r.address.address}`}</span>
        ) : (
          t('address.missing')
        ),
    },
    { title: t('mine.actions'), key: 'actions', render: (_v, r) => actions(r) ?? '—' },
  ];
  return (
    <ResponsiveTable<ShippingRow>
      label={t('manage.backers')}
      actionKeys={['actions']}
      rowKey={(r) => r.backing.id}
      size="small"
      loading={loading}
      columns={columns}
      dataSource={ordered}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      rowClassName={(r) => (r.backing.id === highlighted ? 'ant-table-row-selected' : '')}
    />
  );
}
