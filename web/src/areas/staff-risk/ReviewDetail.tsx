import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, Collapse, Descriptions, Row, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
import { Amount, PageTitle, QueryView, Rate } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { JsonBlock } from './JsonBlock.tsx';
import { ReviewActions } from './ReviewActions.tsx';
import { fieldLabel, fieldValue, ReviewActionList, reasonText } from './reviewFields.tsx';
import { type ReviewView, reviewColor } from './types.ts';

/** One referred application: the decision, its inputs, each source, the trace of every node; the actions. */
export function ReviewDetail() {
  const { t } = useTranslation('staffRisk');
  const { decisionId } = useParams();
  const view = useQuery({
    queryKey: ['risk', 'reviews', 'detail', decisionId],
    queryFn: () => api.get<ReviewView>(`/v1/risk/reviews/${decisionId}`),
  });
  return (
    <>
      <PageTitle extra={<Link to="/staff/reviews">{t('back')}</Link>}>{t('detailTitle')}</PageTitle>
      <QueryView query={view}>
        {({ review, decision, similar, actions, actors }) => {
          const nameOf = (id: string) => actors[id] ?? t('staffMember');
          const open = review.status === 'open' || review.status === 'info_requested';
          const trace = Object.values(decision.trace ?? {}).sort((a, b) => Number(a.order) - Number(b.order));
          return (
            <Space orientation="vertical" size={16} style={{ width: '100%' }}>
              <Card title={t('decision')}>
                <Descriptions
                  column={{ xs: 1, sm: 2, lg: 3 }}
                  size="small"
                  items={[
                    {
                      key: 'status',
                      label: t('status'),
                      children: (
                        <Tag color={reviewColor[review.status]}>
                          {t(`statuses.${review.status}`, { defaultValue: review.status })}
                        </Tag>
                      ),
                    },
                    {
                      key: 'amount',
                      label: t('requested'),
                      children: <Amount value={review.amount} strong />,
                    },
                    {
                      key: 'outcome',
                      label: t('outcome'),
                      children: t(`outcomes.${decision.outcome}`, { defaultValue: decision.outcome }),
                    },
                    { key: 'grade', label: t('grade'), children: decision.grade ?? '—' },
                    { key: 'score', label: t('score'), children: decision.score ?? '—' },
                    { key: 'rate', label: t('rate'), children: <Rate value={decision.annual_rate} /> },
                    {
                      key: 'graph',
                      label: t('graph'),
                      children: `${decision.graph_name} v${decision.graph_version}`,
                    },
                    { key: 'variant', label: t('variant'), children: decision.variant },
                    { key: 'two', label: t('needsTwo'), children: review.needsTwo ? t('yes') : t('no') },
                    ...(review.firstApprover
                      ? [{ key: 'first', label: t('firstApprover'), children: nameOf(review.firstApprover) }]
                      : []),
                    ...(review.finalAmount
                      ? [
                          {
                            key: 'final',
                            label: t('finalAmount'),
                            children: <Amount value={review.finalAmount} />,
                          },
                        ]
                      : []),
                    ...(review.finalRate
                      ? [
                          {
                            key: 'finalRate',
                            label: t('finalRate'),
                            children: <Rate value={review.finalRate} />,
                          },
                        ]
                      : []),
                    ...(review.reason ? [{ key: 'reason', label: t('note'), children: review.reason }] : []),
                    {
                      key: 'reasons',
                      label: t('reasons'),
                      span: 'filled' as const,
                      children: (
                        <Space wrap>
                          {decision.reasons.map((r) => (
                            <Tag key={r}>{reasonText(r, t)}</Tag>
                          ))}
                        </Space>
                      ),
                    },
                  ]}
                />
              </Card>
              {open ? (
                <ReviewActions review={review} />
              ) : (
                <Alert type="info" showIcon title={t('closedHint')} />
              )}
              <Row gutter={[16, 16]}>
                <Col xs={24} lg={12}>
                  <Card title={t('application')} size="small">
                    <Descriptions
                      column={1}
                      size="small"
                      items={Object.entries(decision.input.application ?? {}).map(([k, v]) => ({
                        key: k,
                        label: fieldLabel(k, t),
                        children: fieldValue(k, v, t),
                      }))}
                    />
                  </Card>
                </Col>
                <Col xs={24} lg={12}>
                  <Card title={t('applicant')} size="small">
                    <Descriptions
                      column={1}
                      size="small"
                      items={Object.entries(decision.input.applicant ?? {}).map(([k, v]) => ({
                        key: k,
                        label: fieldLabel(k, t),
                        children: fieldValue(k, v, t),
                      }))}
                    />
                  </Card>
                </Col>
              </Row>
              <Card title={t('sources')} size="small">
                <Table
                  rowKey="name"
                  size="small"
                  pagination={false}
                  scroll={{ x: true }}
                  dataSource={Object.entries(decision.sources ?? {}).map(([name, s]) => ({ name, ...s }))}
                  columns={[
                    {
                      title: t('source'),
                      dataIndex: 'name',
                      render: (v: string) => t(`sourceNames.${v}`, { defaultValue: v }),
                    },
                    {
                      title: t('sourceStatus'),
                      dataIndex: 'status',
                      render: (v: string) => (
                        <Tag color={v === 'ok' ? 'success' : 'error'}>
                          {t(`sourceStatuses.${v}`, { defaultValue: v })}
                        </Tag>
                      ),
                    },
                    { title: t('sourceError'), dataIndex: 'error', render: (v: string | null) => v ?? '—' },
                  ]}
                  expandable={{ expandedRowRender: (row) => <JsonBlock value={row.response} /> }}
                />
              </Card>
              <Card title={t('trace')} size="small">
                <Collapse
                  size="small"
                  items={trace.map((node) => ({
                    key: node.id,
                    label: `${node.order}. ${node.name}`,
                    extra: node.performance,
                    children: <JsonBlock value={node.traceData ?? node.output} />,
                  }))}
                />
              </Card>
              <Row gutter={[16, 16]}>
                <Col xs={24} lg={12}>
                  <Card title={t('similar')} size="small">
                    {similar.length === 0 ? (
                      t('common:state.empty')
                    ) : (
                      <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                        {similar.map((s) => (
                          <li key={s.id}>
                            {formatDate(s.created_at)} ·{' '}
                            {t(`outcomes.${s.outcome}`, { defaultValue: s.outcome })} · {s.grade ?? '—'} ·{' '}
                            {s.score ?? '—'}
                          </li>
                        ))}
                      </ul>
                    )}
                  </Card>
                </Col>
                <Col xs={24} lg={12}>
                  <Card title={t('actions')} size="small">
                    {actions.length ? (
                      <ReviewActionList actions={actions} nameOf={nameOf} t={t} />
                    ) : (
                      t('common:state.empty')
                    )}
                  </Card>
                </Col>
              </Row>
            </Space>
          );
        }}
      </QueryView>
    </>
  );
}
