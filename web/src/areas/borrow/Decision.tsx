import { Button, Card, Descriptions, Result, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { Amount, Rate } from '../../components/ui.tsx';
import type { Loan } from '../invest/lending.ts';

export interface DecisionResult {
  application: { id: string; status: string; amount: { amount: string; currency: string }; term: number };
  decision: {
    outcome: string;
    grade: string | null;
    annualRate: string | null;
    /** The APR of all borrowing costs of the loan offered; null when declined. */
    apr: string | null;
    reasons: string[];
  };
  loan: Loan | null;
}

/** The risk decision on an application: approved (a listing), referred (manual review) or declined. */
export function Decision({ result, onAgain }: { result: DecisionResult; onAgain: () => void }) {
  const { t } = useTranslation('borrow');
  const navigate = useNavigate();
  const { decision, loan } = result;
  const status =
    decision.outcome === 'approve' ? 'success' : decision.outcome === 'refer' ? 'info' : 'warning';
  return (
    <Card>
      <Result
        status={status}
        title={t(`outcome.${decision.outcome}`, { defaultValue: decision.outcome })}
        subTitle={t(`outcomeHint.${decision.outcome}`, { defaultValue: '' })}
        extra={
          <Space wrap style={{ justifyContent: 'center' }}>
            {loan && (
              <Button type="primary" onClick={() => navigate(`/market/${loan.id}`)}>
                {t('followListing')}
              </Button>
            )}
            <Button onClick={() => navigate('/loans')}>{t('goToLoans')}</Button>
            {decision.outcome !== 'approve' && <Button onClick={onAgain}>{t('applyAgain')}</Button>}
          </Space>
        }
      />
      <Descriptions size="small" bordered column={{ xs: 1, sm: 2 }}>
        <Descriptions.Item label={t('decision')}>
          <Tag color={status === 'success' ? 'green' : status === 'info' ? 'blue' : 'orange'}>
            {t(`outcome.${decision.outcome}`, { defaultValue: decision.outcome })}
          </Tag>
        </Descriptions.Item>
        <Descriptions.Item label={t('grade')}>{decision.grade ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('annualRate')}>
          <Rate value={decision.annualRate} />
        </Descriptions.Item>
        <Descriptions.Item label={t('apr')}>
          <Rate value={decision.apr} />
        </Descriptions.Item>
        <Descriptions.Item label={t('loanAmount')}>
          <Amount value={result.application.amount} />
        </Descriptions.Item>
        {loan && (
          <Descriptions.Item label={t('upfrontFee')}>
            <Rate value={loan.upfrontFeeRate} />
          </Descriptions.Item>
        )}
        <Descriptions.Item label={t('reasons')} span="filled">
          {decision.reasons.length === 0 ? (
            '—'
          ) : (
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {decision.reasons.map((r) => (
                <li key={r}>
                  <Typography.Text>{t(`reason.${r.split(':')[0]}`, { defaultValue: r })}</Typography.Text>
                </li>
              ))}
            </ul>
          )}
        </Descriptions.Item>
      </Descriptions>
    </Card>
  );
}
