import { Progress, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatMoney, progressPercent } from '../../money.ts';
import { TimeLeft } from '../invest/ListingCard.tsx';
import type { Loan } from '../invest/lending.ts';

/** A borrower's own listing while it raises: how much investors have bid, and the time left. */
export function RaisingProgress({ loan }: { loan: Loan }) {
  const { t } = useTranslation('borrow');
  const percent = loan.raised ? progressPercent(loan.raised, loan.amount) : 0;
  return (
    <div>
      <Progress
        percent={percent}
        size="small"
        aria-label={t('raisingProgress', { percent })}
        format={(p) => `${p}%`}
      />
      <Typography.Text type="secondary">
        {t('raisedOf', {
          raised: formatMoney(loan.raised ?? { amount: '0.00', currency: loan.amount.currency }),
          amount: formatMoney(loan.amount),
        })}
        {loan.status === 'listing' && (
          <>
            {' · '}
            <TimeLeft loan={loan} />
          </>
        )}
      </Typography.Text>
    </div>
  );
}
