import { useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Empty, Flex, Progress, Row, Skeleton, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api.ts';
import { Amount, ErrorAlert, Rate } from '../../components/ui.tsx';
import { localName } from '../../i18n/index.ts';
import { formatMoney, progressPercent } from '../../money.ts';
import { GradeTag, TimeLeft, termText } from '../invest/ListingCard.tsx';
import { type Loan, useProducts } from '../invest/lending.ts';

/**
 * A strip of open listings (public GET /v1/lending/listings): product, grade, rate, term, amount,
 * progress to full and time left. "Invest" opens the listing, which sends a visitor to sign in first
 * and back to the listing after.
 */
export function ListingStrip({ limit = 6 }: { limit?: number }) {
  const { t } = useTranslation('home');
  const listings = useQuery({
    queryKey: ['lending', 'listings', 'strip', limit],
    queryFn: () => api.get<{ items: Loan[] }>('/v1/lending/listings', { limit }),
  });
  if (listings.isPending) return <Skeleton active />;
  if (listings.isError) return <ErrorAlert error={listings.error} onRetry={() => void listings.refetch()} />;
  if (listings.data.items.length === 0) return <Empty description={t('noListings')} />;
  return (
    <Row gutter={[16, 16]}>
      {listings.data.items.map((loan) => (
        <Col key={loan.id} xs={24} sm={12} lg={8}>
          <StripCard loan={loan} />
        </Col>
      ))}
    </Row>
  );
}

function StripCard({ loan }: { loan: Loan }) {
  const { t } = useTranslation('home');
  const { t: ti } = useTranslation('invest');
  const navigate = useNavigate();
  const products = useProducts();
  const productId = loan.product.split('@')[0];
  const product = products.data?.find((p) => p.id === productId);
  const name = product ? localName(product.config) : t('loan');
  const percent = loan.raised ? progressPercent(loan.raised, loan.amount) : 0;
  return (
    <Card size="small" style={{ height: '100%' }} data-testid="listing-card">
      <Flex justify="space-between" align="center" gap={8} style={{ marginBottom: 8 }}>
        <Link to={`/market/${loan.id}`} style={{ fontWeight: 600 }}>
          {name}
        </Link>
        <GradeTag grade={loan.grade} />
      </Flex>
      <Flex justify="space-between" align="flex-end" gap={8} wrap>
        <div>
          <Typography.Text type="secondary" style={{ display: 'block' }}>
            {t('annualRate')}
          </Typography.Text>
          <Typography.Text strong style={{ fontSize: 26, lineHeight: 1.2 }} type="danger">
            <Rate value={loan.annualRate} />
          </Typography.Text>
        </div>
        <div style={{ textAlign: 'end' }}>
          <Typography.Text type="secondary" style={{ display: 'block' }}>
            {t('term')}
          </Typography.Text>
          <Typography.Text strong>{termText(ti, loan)}</Typography.Text>
        </div>
      </Flex>
      <Flex justify="space-between" gap={8} wrap style={{ marginTop: 8 }}>
        <Typography.Text>
          {t('loanAmount')} <Amount value={loan.amount} />
        </Typography.Text>
        <Typography.Text type="secondary">
          <TimeLeft loan={loan} />
        </Typography.Text>
      </Flex>
      <Progress
        percent={percent}
        size="small"
        aria-label={ti('progressLabel', { percent })}
        format={(p) => `${p}%`}
      />
      <Space style={{ width: '100%', justifyContent: 'space-between', marginTop: 4 }} wrap>
        <Typography.Text type="secondary">
          {t('raisedOf', { raised: formatMoney(loan.raised), amount: formatMoney(loan.amount) })}
        </Typography.Text>
      </Space>
      <Button
        type="primary"
        block
        style={{ marginTop: 8 }}
        onClick={() => navigate(`/market/${loan.id}`)}
        aria-label={t('investIn', { name, grade: loan.grade, amount: formatMoney(loan.amount) })}
      >
        {t('investNow')}
      </Button>
    </Card>
  );
}
