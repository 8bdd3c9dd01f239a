import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDate } from '../../i18n/index.ts';
import { formatMoney } from '../../money.ts';
import type { Complaint } from '../crowdfunding/types.ts';

/** A complaint's refund from escrow, made in its resolution, in words. */
export function ComplaintRefund({ complaint }: { complaint: Complaint }) {
  const { t } = useTranslation('staffCrowdfunding');
  if (!complaint.refund) return null;
  return (
    <Typography.Text type="secondary">
      {t('refundedWith', {
        amount: formatMoney(complaint.refund.amount),
        date: formatDate(complaint.refund.createdAt),
      })}
    </Typography.Text>
  );
}
