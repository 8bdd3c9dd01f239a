import { Flex, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate } from '../../i18n/index.ts';
import { formatMoney } from '../../money.ts';
import { EntryList } from './EntryList.tsx';
import { formatShare, type Milestone } from './types.ts';

/** The payout plan's milestones: title, share, state and what each paid; `extra` adds what the viewer needs. */
export function MilestoneList({
  milestones,
  extra,
}: {
  milestones: readonly Milestone[];
  extra?: (milestone: Milestone) => ReactNode;
}) {
  const { t } = useTranslation('crowdfunding');
  return (
    <EntryList
      items={milestones}
      keyOf={(m) => m.id}
      render={(m) => (
        <Flex vertical gap={2}>
          <span>
            <Typography.Text strong>{m.title}</Typography.Text> · {formatShare(m.share)}{' '}
            <Tag color={m.status === 'paid' ? 'green' : m.status === 'submitted' ? 'blue' : 'default'}>
              {t(`milestone.${m.status}`)}
            </Tag>
          </span>
          {m.amount && (
            <Typography.Text type="secondary">
              {t('manage.milestonePaid', { amount: formatMoney(m.amount), date: formatDate(m.paidAt) })}
            </Typography.Text>
          )}
          {extra?.(m)}
        </Flex>
      )}
    />
  );
}
