import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Rate } from '../../components/ui.tsx';
import type { Loan } from '../invest/lending.ts';
import { type LoanView, loanState, STATE_COLORS } from './loan-view.ts';

/** The loan's state in words; an overdue loan with its stage (M1 … M3+), never "repaying". */
export function StateTag({ view }: { view: LoanView }) {
  const { t } = useTranslation('borrow');
  const state = loanState(view);
  return (
    <Tag color={STATE_COLORS[state]}>
      {state === 'overdue' ? t('overdueStage', { bucket: view.bucket }) : t(`state.${state}`)}
    </Tag>
  );
}

/** The nominal rate and, beside it, the APR with every fee: each labelled. */
export function RatePair({ loan }: { loan: Loan }) {
  const { t } = useTranslation('borrow');
  return (
    <span>
      {t('nominal')} <Rate value={loan.annualRate} />
      {loan.apr && (
        <>
          {' · '}
          {t('aprShort')} <Rate value={loan.apr} />
        </>
      )}
    </span>
  );
}
