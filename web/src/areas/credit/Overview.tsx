import {
  Alert,
  Card,
  Col,
  Descriptions,
  Progress,
  Row,
  Skeleton,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useTranslation } from 'react-i18next';
import { Amount, ErrorAlert, Rate } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { formatMoney, formatRate, progressPercent } from '../../money.ts';
import { LineHistory } from './History.tsx';
import type { Line, LineEvent, LinePricing } from './types.ts';
import { UsageChart } from './UsageChart.tsx';

export function StatusTag({ status }: { status: string }) {
  const { t } = useTranslation('credit');
  const colour =
    status === 'active' ? 'green' : status === 'frozen' ? 'blue' : status === 'referred' ? 'gold' : 'default';
  return <Tag color={colour}>{t(`status.${status}`, { defaultValue: t('status.other') })}</Tag>;
}

/** Limit, used and available, with a temporary raise, the freeze and the next statement. */
export function LineBalancesCard({ line, title }: { line: Line; title?: string }) {
  const { t } = useTranslation('credit');
  const limit = line.limit ?? line.grantedLimit;
  return (
    <Card
      title={
        <span>
          {title ?? t('line.title')} <StatusTag status={line.status} />
        </span>
      }
    >
      {line.status === 'frozen' && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('line.frozen')}
          description={line.frozenReason ? t('line.frozenReason', { reason: line.frozenReason }) : undefined}
        />
      )}
      {line.delinquency && line.delinquency.dpd > 0 && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('line.overdue', { days: line.delinquency.dpd })}
        />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} sm={8}>
          <Statistic title={t('limit')} value={formatMoney(limit)} />
        </Col>
        <Col xs={24} sm={8}>
          <Statistic title={t('used')} value={formatMoney(line.used)} />
        </Col>
        <Col xs={24} sm={8}>
          <div data-testid="credit-available">
            <Statistic title={t('available')} value={formatMoney(line.available)} />
          </div>
        </Col>
      </Row>
      {line.used && (
        <Progress
          percent={progressPercent(line.used, limit)}
          showInfo={false}
          aria-label={t('usedShare')}
          style={{ marginTop: 8 }}
        />
      )}
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 2 }}
        style={{ marginTop: 16 }}
        items={[
          {
            key: 'granted',
            label: t('line.granted'),
            children: <Amount value={line.grantedLimit} />,
          },
          {
            key: 'raise',
            label: t('line.raise'),
            children: line.temporaryRaise ? (
              <span>
                <Amount value={line.temporaryRaise.amount} />{' '}
                {t('line.raiseUntil', { date: formatDate(line.temporaryRaise.endsOn) })}
              </span>
            ) : (
              t('line.none')
            ),
          },
          ...(line.nextStatement
            ? [
                {
                  key: 'statement',
                  label: t('line.nextStatement'),
                  children: formatDate(line.nextStatement.date),
                },
                { key: 'due', label: t('line.dueOn'), children: formatDate(line.nextStatement.dueOn) },
              ]
            : []),
          ...(line.owed
            ? [
                {
                  key: 'owed',
                  label: t('line.owed'),
                  children: (
                    <span>
                      {line.owed.total ? (
                        <Amount value={line.owed.total} strong />
                      ) : (
                        <Amount value={line.owed.principal} strong />
                      )}{' '}
                      <Typography.Text type="secondary">
                        ({t('part.interest')} {formatMoney(line.owed.interest)})
                      </Typography.Text>
                    </span>
                  ),
                },
              ]
            : []),
          { key: 'opened', label: t('line.openedOn'), children: formatDate(line.openedOn) },
          { key: 'review', label: t('line.reviewOn'), children: formatDate(line.reviewOn) },
        ]}
      />
    </Card>
  );
}

/** Every rate of the line with its APR by the IRR method, fees included. */
export function PricingCard({ pricing }: { pricing: LinePricing }) {
  const { t } = useTranslation('credit');
  return (
    <Card title={t('pricing.title')}>
      <Descriptions
        size="small"
        column={1}
        items={[
          { key: 'daily', label: t('pricing.daily'), children: formatRate(pricing.dailyRate, 4) },
          { key: 'annual', label: t('pricing.annual'), children: <Rate value={pricing.annualRate} /> },
          { key: 'apr', label: t('pricing.drawApr'), children: <Rate value={pricing.drawApr} /> },
        ]}
      />
      <Table
        rowKey="months"
        size="small"
        pagination={false}
        style={{ marginTop: 12 }}
        aria-label={t('pricing.instalments')}
        dataSource={pricing.instalments}
        columns={[
          { key: 'months', title: t('pricing.months'), render: (_, o) => t('months', { count: o.months }) },
          { key: 'fee', title: t('pricing.feeRate'), render: (_, o) => <Rate value={o.feeRate} /> },
          { key: 'apr', title: t('apr'), render: (_, o) => <Rate value={o.apr} /> },
        ]}
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
        {t('pricing.note')}
      </Typography.Paragraph>
    </Card>
  );
}

export function Overview({
  line,
  history,
}: {
  line: Line;
  history: { data?: LineEvent[]; isPending: boolean; error: unknown };
}) {
  const { t } = useTranslation('credit');
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={14}>
        <LineBalancesCard line={line} />
      </Col>
      <Col xs={24} xl={10}>
        <PricingCard pricing={line.pricing} />
      </Col>
      <Col xs={24}>
        <Card title={t('chart.title')}>
          {history.data ? <UsageChart line={line} events={history.data} /> : <Skeleton active />}
        </Card>
      </Col>
      <Col xs={24}>
        <Card title={t('history.title')}>
          {history.error ? (
            <ErrorAlert error={history.error} />
          ) : history.data ? (
            <LineHistory events={history.data} />
          ) : (
            <Skeleton active />
          )}
        </Card>
      </Col>
    </Row>
  );
}
