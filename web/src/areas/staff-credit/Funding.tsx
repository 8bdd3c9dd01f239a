import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, DatePicker, Descriptions, Row, Space, Statistic } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Money } from '../../api.ts';
import { Amount, PageTitle, QueryView } from '../../components/ui.tsx';
import { formatMoney } from '../../money.ts';
import { useBusinessDate, useHas } from '../credit/types.ts';

interface FundingReport {
  outstanding: { cashDraws: Money; unbilled: Money; billed: Money; total: Money };
  income: { interest: Money; fees: Money; penalty: Money; merchantDiscount: Money; total?: Money };
  fundingCost: Money;
  margin: Money;
}

/** What the platform has lent through credit lines, what it earned and what its funds cost. */
export function Funding() {
  const { t } = useTranslation('staffCredit');
  const has = useHas('GET /v1/credit/staff/funding');
  const businessDate = useBusinessDate().data?.businessDate;
  const [range, setRange] = useState<[Dayjs, Dayjs] | null>(null);
  const end = range?.[1] ?? (businessDate ? dayjs(businessDate) : null);
  const start = range?.[0] ?? end?.startOf('month') ?? null;
  const report = useQuery({
    queryKey: ['credit', 'funding', start?.format('YYYY-MM-DD'), end?.format('YYYY-MM-DD')],
    enabled: has === true && !!start && !!end,
    queryFn: () =>
      api.get<FundingReport>('/v1/credit/staff/funding', {
        from: start!.format('YYYY-MM-DD'),
        to: end!.format('YYYY-MM-DD'),
      }),
  });
  return (
    <>
      <PageTitle
        extra={
          <Space>
            <DatePicker.RangePicker
              aria-label={t('funding.period')}
              value={start && end ? [start, end] : null}
              allowClear={false}
              onChange={(value) => value?.[0] && value[1] && setRange([value[0], value[1]])}
            />
          </Space>
        }
      >
        {t('funding.title')}
      </PageTitle>
      {has === false ? (
        <Alert type="info" showIcon title={t('funding.notYet')} />
      ) : (
        <QueryView query={report}>
          {(r) => (
            <Row gutter={[16, 16]}>
              <Col xs={24} md={12}>
                <Card title={t('funding.outstanding')}>
                  <Statistic title={t('funding.total')} value={formatMoney(r.outstanding.total)} />
                  <Descriptions
                    size="small"
                    column={1}
                    style={{ marginTop: 12 }}
                    items={(['cashDraws', 'unbilled', 'billed'] as const).map((k) => ({
                      key: k,
                      label: t(`funding.${k}`),
                      children: <Amount value={r.outstanding[k]} />,
                    }))}
                  />
                </Card>
              </Col>
              <Col xs={24} md={12}>
                <Card title={t('funding.income')}>
                  <Descriptions
                    size="small"
                    column={1}
                    items={[
                      ...(['interest', 'fees', 'penalty', 'merchantDiscount'] as const).map((k) => ({
                        key: k,
                        label: t(`funding.${k}`),
                        children: <Amount value={r.income[k]} />,
                      })),
                      {
                        key: 'cost',
                        label: t('funding.cost'),
                        children: <Amount value={r.fundingCost} type="danger" />,
                      },
                      {
                        key: 'margin',
                        label: t('funding.margin'),
                        children: <Amount value={r.margin} strong />,
                      },
                    ]}
                  />
                </Card>
              </Col>
            </Row>
          )}
        </QueryView>
      )}
    </>
  );
}
