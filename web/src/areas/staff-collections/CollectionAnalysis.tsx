import { DownloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Col, DatePicker, Flex, Row, Statistic, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { Amount, PageTitle, QueryView, Rate } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import {
  type Analysis,
  CollectorResults,
  Overdue,
  RecoveryByBucket,
  RecoveryByMonth,
  RollRates,
  totalOverdue,
} from './AnalysisSections.tsx';
import { cny } from './types.ts';

const DAY = 'YYYY-MM-DD';

/** Supervisors: roll rates, recovery, promises, collectors' results and overdue by region and product. */
export function CollectionAnalysis() {
  const { t } = useTranslation('staffCollections');
  const [range, setRange] = useState<[Dayjs, Dayjs] | null>(null);
  const period: Record<string, string> = range
    ? { from: range[0].format(DAY), to: range[1].format(DAY) }
    : {};
  const analysis = useQuery({
    queryKey: ['collections', 'analysis', period],
    queryFn: () => api.get<Analysis>('/v1/collections/analysis', period),
  });
  const shown = analysis.data?.period;
  const csv = `/v1/collections/analysis?${new URLSearchParams({ ...period, format: 'csv' }).toString()}`;
  return (
    <>
      <PageTitle
        extra={
          <Flex wrap gap={8} align="center">
            <DatePicker.RangePicker
              aria-label={t('analysis.period')}
              allowClear
              value={range ?? (shown ? [dayjs(shown.from), dayjs(shown.to)] : null)}
              onChange={(v) => setRange(v?.[0] && v[1] ? [v[0], v[1]] : null)}
            />
            <Button icon={<DownloadOutlined />} href={csv} download>
              {t('analysis.download')}
            </Button>
          </Flex>
        }
      >
        {t('analysis.title')}
      </PageTitle>
      <QueryView query={analysis}>
        {(a) => {
          const overdue = totalOverdue(a);
          return (
            <>
              <Typography.Paragraph type="secondary">
                {t('analysis.period')}: {formatDate(a.period.from)} – {formatDate(a.period.to)}
              </Typography.Paragraph>
              <Row gutter={[16, 16]}>
                <Col xs={12} lg={6}>
                  <Card>
                    <Statistic
                      title={t('analysis.promiseKeptRate')}
                      valueRender={() => <Rate value={a.promises.keptRate} />}
                    />
                  </Card>
                </Col>
                <Col xs={12} lg={6}>
                  <Card>
                    <Statistic title={t('analysis.promisesKept')} value={a.promises.kept} />
                  </Card>
                </Col>
                <Col xs={12} lg={6}>
                  <Card>
                    <Statistic title={t('analysis.promisesBroken')} value={a.promises.broken} />
                  </Card>
                </Col>
                <Col xs={12} lg={6}>
                  <Card>
                    <Statistic
                      title={t('analysis.openOverdue')}
                      valueRender={() => <Amount value={cny(overdue.amount)} strong />}
                    />
                    <Typography.Text type="secondary">
                      {t('analysis.openCasesCount', { count: overdue.cases })}
                    </Typography.Text>
                  </Card>
                </Col>
                <Col xs={24} lg={12}>
                  <RollRates analysis={a} />
                </Col>
                <Col xs={24} lg={12}>
                  <RecoveryByMonth analysis={a} />
                </Col>
                <Col xs={24}>
                  <RecoveryByBucket analysis={a} />
                </Col>
                <Col xs={24}>
                  <CollectorResults analysis={a} />
                </Col>
                <Col xs={24} lg={12}>
                  <Overdue analysis={a} by="region" />
                </Col>
                <Col xs={24} lg={12}>
                  <Overdue analysis={a} by="product" />
                </Col>
              </Row>
            </>
          );
        }}
      </QueryView>
    </>
  );
}
