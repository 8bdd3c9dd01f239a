import { Button, Card, Descriptions, Progress, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { Amount, Rate, RiskLevel } from '../../components/ui.tsx';
import { formatMoney, progressPercent } from '../../money.ts';
import { daysUntil, type Loan } from './lending.ts';

export function termText(
  t: (key: string, options?: Record<string, unknown>) => string,
  loan: Pick<Loan, 'term' | 'termUnit'>,
) {
  return t(loan.termUnit === 'day' ? 'termDays' : 'termMonths', { count: loan.term });
}

export function TimeLeft({ loan }: { loan: Loan }) {
  const { t } = useTranslation('invest');
  const days = daysUntil(loan.expiresOn);
  return <span>{days <= 0 ? t('endsToday') : t('daysLeft', { count: days })}</span>;
}

export function GradeTag({ grade }: { grade: string }) {
  const colors: Record<string, string> = {
    A: 'green',
    B: 'cyan',
    C: 'blue',
    D: 'gold',
    E: 'orange',
    F: 'red',
    G: 'red',
  };
  return <Tag color={colors[grade.slice(0, 1)]}>{grade}</Tag>;
}

export function ListingCard({ loan }: { loan: Loan }) {
  const { t } = useTranslation('invest');
  const navigate = useNavigate();
  const percent = loan.raised ? progressPercent(loan.raised, loan.amount) : 0;
  return (
    <Card
      size="small"
      title={
        <Space>
          <GradeTag grade={loan.grade} />
          <Typography.Text strong>{t(`purpose.${loan.purpose}`)}</Typography.Text>
        </Space>
      }
      extra={<RiskLevel level={loan.riskLevel} />}
    >
      <Descriptions size="small" column={2}>
        <Descriptions.Item label={t('annualRate')}>
          <Typography.Text strong>
            <Rate value={loan.annualRate} />
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('apr')}>
          <Rate value={loan.apr} />
        </Descriptions.Item>
        <Descriptions.Item label={t('term')}>{termText(t, loan)}</Descriptions.Item>
        <Descriptions.Item label={t('loanAmount')}>
          <Amount value={loan.amount} />
        </Descriptions.Item>
        <Descriptions.Item label={t('timeLeft')}>
          <TimeLeft loan={loan} />
        </Descriptions.Item>
      </Descriptions>
      <Progress
        percent={percent}
        size="small"
        aria-label={t('progressLabel', { percent })}
        format={(p) => `${p}%`}
      />
      <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 8 }}>
        {t('raisedOf', { raised: formatMoney(loan.raised), amount: formatMoney(loan.amount) })}
      </Typography.Text>
      <Button
        type="primary"
        block
        onClick={() => navigate(`/market/${loan.id}`)}
        aria-label={t('viewListingOf', { grade: loan.grade, amount: formatMoney(loan.amount) })}
      >
        {t('viewListing')}
      </Button>
    </Card>
  );
}
