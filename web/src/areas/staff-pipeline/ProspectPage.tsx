import { useQuery } from '@tanstack/react-query';
import { Button, Card, Descriptions, Space, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
import { ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { can, useMe } from '../../session.tsx';
import { StageDialog } from './StageDialog.tsx';
import { labelOf, StageTag, useSettings } from './shared.tsx';
import { TaskTable } from './TaskTable.tsx';
import type { ProspectDetail } from './types.ts';

/** A prospect: the customer (masked), the stage, its history with who and why, and its tasks. */
export function ProspectPage() {
  const { t } = useTranslation('staffPipeline');
  const { id = '' } = useParams();
  const me = useMe().data;
  const settings = useSettings();
  const [changing, setChanging] = useState(false);
  const detail = useQuery({
    queryKey: ['crm', 'prospect', id],
    queryFn: () => api.get<ProspectDetail>(`/v1/crm/prospects/${id}`),
  });
  const d = detail.data;
  const reason = (code: string | null) =>
    code ? labelOf(settings.data?.reasons.find((r) => r.code === code)?.label, code) : null;
  return (
    <>
      <PageTitle extra={<Link to="/staff/pipeline">{t('back')}</Link>}>{t('prospectTitle')}</PageTitle>
      {detail.isError && <ErrorAlert error={detail.error} onRetry={() => void detail.refetch()} />}
      {d && (
        <Space orientation="vertical" size="large" style={{ width: '100%' }}>
          <Card
            extra={
              d.prospect.stage !== 'left' && (
                <Button type="primary" onClick={() => setChanging(true)}>
                  {t('changeStage')}
                </Button>
              )
            }
          >
            <Descriptions column={{ xs: 1, md: 2 }} size="small" bordered>
              <Descriptions.Item label={t('customer')}>
                {d.prospect.user.name ?? '—'} {d.prospect.user.phone ?? ''}
              </Descriptions.Item>
              <Descriptions.Item label={t('stage')}>
                <StageTag stage={d.prospect.stage} />
              </Descriptions.Item>
              <Descriptions.Item label={t('owner')}>{d.prospect.owner.name ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('product')}>
                {d.prospect.productInterest
                  ? labelOf(
                      settings.data?.products.find((p) => p.code === d.prospect.productInterest)?.label,
                      d.prospect.productInterest,
                    )
                  : t('none')}
              </Descriptions.Item>
              {d.prospect.expectedOn && (
                <Descriptions.Item label={t('expectedOn')}>
                  {formatDate(d.prospect.expectedOn)}
                </Descriptions.Item>
              )}
              {d.prospect.reasonCode && (
                <Descriptions.Item label={t('reason')}>
                  {reason(d.prospect.reasonCode)}
                  {d.prospect.reasonText ? `: ${d.prospect.reasonText}` : ''}
                </Descriptions.Item>
              )}
            </Descriptions>
          </Card>
          <Card title={t('tasks')}>
            <TaskTable tasks={d.tasks} loading={false} showCustomer={false} manager={can(me, 'crm:manage')} />
          </Card>
          <Card title={t('history')}>
            <Timeline
              items={d.history.map((h) => ({
                key: h.id,
                content: (
                  <Space orientation="vertical" size={0}>
                    <Space wrap>
                      {h.from ? <StageTag stage={h.from} /> : t('entered')}
                      {'→'}
                      <StageTag stage={h.to} />
                      <Typography.Text type="secondary">
                        {formatDate(h.at)} · {t('by')} {h.by.name}
                      </Typography.Text>
                    </Space>
                    {h.reasonCode && (
                      <Typography.Text>
                        {t('reason')}: {reason(h.reasonCode)}
                        {h.reasonText ? ` (${h.reasonText})` : ''}
                      </Typography.Text>
                    )}
                    {h.expectedOn && (
                      <Typography.Text>
                        {t('expectedOn')}: {formatDate(h.expectedOn)}
                      </Typography.Text>
                    )}
                    {h.note && <Typography.Text>{h.note}</Typography.Text>}
                  </Space>
                ),
              }))}
            />
          </Card>
        </Space>
      )}
      {changing && d && <StageDialog prospect={d.prospect} onDone={() => setChanging(false)} />}
    </>
  );
}
