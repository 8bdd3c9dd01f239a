import { DownloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
import { Amount, ErrorAlert, PageTitle, QueryView } from '../../components/ui.tsx';
import { errorText } from '../../errors.ts';
import { formatDate } from '../../i18n/index.ts';
import { StatusTag } from './Queue.tsx';
import { type AmlAlert, type AmlCaseDetail, type AmlTransaction, caseRef } from './types.ts';

const PORTRAIT = [
  'maskedName',
  'ageBand',
  'regionCode',
  'kycLevel',
  'accountAgeDays',
  'declaredMonthlyIncome',
  'walletBalance',
  'loansOutstanding',
] as const;

/** One case: the customer's portrait, the alerts with their evidence, notes, and the decision. */
export function CaseDetail() {
  const { t } = useTranslation('staffAml');
  const { id = '' } = useParams();
  const detail = useQuery({
    queryKey: ['aml', 'case', id],
    queryFn: () => api.get<AmlCaseDetail>(`/v1/aml/cases/${id}`),
  });
  return (
    <>
      <PageTitle extra={<Link to="/staff/aml">{t('case.back')}</Link>}>
        {t('case.title', { ref: caseRef(id) })}
      </PageTitle>
      <QueryView query={detail}>{(c) => <CaseBody amlCase={c} />}</QueryView>
    </>
  );
}

function CaseBody({ amlCase }: { amlCase: AmlCaseDetail }) {
  const { t } = useTranslation('staffAml');
  const { message } = App.useApp();
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: ['aml'] });
  const act = useMutation({
    mutationFn: (call: { path: string; body?: unknown }) =>
      api.post(`/v1/aml/cases/${amlCase.id}/${call.path}`, call.body ?? {}),
    onSuccess: () => {
      void message.success(t('case.saved'));
      void refresh();
    },
    onError: (error) => void message.error(errorText(error)),
  });
  const inWork = amlCase.status === 'open' || amlCase.status === 'monitoring';
  const reportReady = amlCase.status === 'reported' || amlCase.reportProposedBy !== null;
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Card title={t('case.portrait')} extra={<StatusTag status={amlCase.status} />}>
        <Descriptions size="small" column={{ xs: 1, md: 2 }}>
          {PORTRAIT.map((key) => (
            <Descriptions.Item key={key} label={t(`portrait.${key}`)}>
              {String(amlCase.portrait[key] ?? '—')}
            </Descriptions.Item>
          ))}
          <Descriptions.Item label={t('queue.assigned')}>{amlCase.assignedTo ?? '—'}</Descriptions.Item>
        </Descriptions>
      </Card>

      <Card title={t('case.alerts', { count: amlCase.alerts.length })}>
        {amlCase.alerts.map((alert) => (
          <AlertEvidence key={alert.id} alert={alert} />
        ))}
      </Card>

      <Card title={t('case.notes')}>
        {amlCase.notes.length === 0 ? (
          <Typography.Text type="secondary">{t('case.noNotes')}</Typography.Text>
        ) : (
          <ol style={{ listStyle: 'none', margin: 0, padding: 0 }}>
            {amlCase.notes.map((n) => (
              <li key={n.id} style={{ padding: '8px 0', borderBottom: '1px solid rgba(128,128,128,0.2)' }}>
                <Typography.Text type="secondary">
                  {formatDate(n.createdAt)} · {n.author}
                </Typography.Text>
                <div style={{ whiteSpace: 'pre-wrap' }}>{n.body}</div>
              </li>
            ))}
          </ol>
        )}
        <Form
          layout="inline"
          onFinish={(v: { body: string }) => act.mutate({ path: 'notes', body: { body: v.body.trim() } })}
          style={{ marginTop: 12 }}
        >
          <Form.Item
            name="body"
            rules={[{ required: true, whitespace: true, max: 4000 }]}
            style={{ flex: 1 }}
          >
            <Input.TextArea aria-label={t('case.note')} placeholder={t('case.note')} autoSize />
          </Form.Item>
          <Button htmlType="submit" loading={act.isPending}>
            {t('case.addNote')}
          </Button>
        </Form>
      </Card>

      <Card title={t('case.decision')}>
        {act.isError && <ErrorAlert error={act.error} />}
        {amlCase.reportProposedBy && (
          <Typography.Paragraph>
            {t('case.proposedBy', { who: amlCase.reportProposedBy, reason: amlCase.reportReason ?? '' })}
          </Typography.Paragraph>
        )}
        {amlCase.decision && (
          <Typography.Paragraph>
            {t('case.decided', {
              decision: t(`decision.${amlCase.decision}`),
              reason: amlCase.decisionReason ?? '',
            })}
          </Typography.Paragraph>
        )}
        {inWork && (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Button onClick={() => act.mutate({ path: 'assign' })}>{t('case.assignMe')}</Button>
            {amlCase.reportProposedBy ? (
              <Space orientation="vertical" style={{ width: '100%' }}>
                <Button type="primary" danger onClick={() => act.mutate({ path: 'approve-report' })}>
                  {t('case.approve')}
                </Button>
                <Form
                  layout="inline"
                  onFinish={(v: { reason: string }) =>
                    act.mutate({ path: 'reject-report', body: { reason: v.reason.trim() } })
                  }
                >
                  <Form.Item name="reason" rules={[{ required: true, whitespace: true, min: 3, max: 2000 }]}>
                    <Input aria-label={t('case.refuseReason')} placeholder={t('case.refuseReason')} />
                  </Form.Item>
                  <Button htmlType="submit">{t('case.refuse')}</Button>
                </Form>
              </Space>
            ) : (
              <Form
                layout="vertical"
                onFinish={(v: { decision: string; reason: string }) =>
                  act.mutate({ path: 'decision', body: { decision: v.decision, reason: v.reason.trim() } })
                }
              >
                <Form.Item name="decision" label={t('case.decision')} rules={[{ required: true }]}>
                  <Select
                    style={{ width: 240 }}
                    options={['dismiss', 'monitor', 'report'].map((d) => ({
                      value: d,
                      label: t(`decision.${d}`),
                    }))}
                  />
                </Form.Item>
                <Form.Item
                  name="reason"
                  label={t('case.reason')}
                  rules={[{ required: true, whitespace: true, min: 3, max: 2000 }]}
                >
                  <Input.TextArea autoSize />
                </Form.Item>
                <Button type="primary" htmlType="submit" loading={act.isPending}>
                  {t('case.submit')}
                </Button>
              </Form>
            )}
          </Space>
        )}
        {reportReady && (
          <Space style={{ marginTop: 16 }}>
            <Button icon={<DownloadOutlined />} href={`/v1/aml/cases/${amlCase.id}/report.csv`} download>
              {t('case.csv')}
            </Button>
            <Button icon={<DownloadOutlined />} href={`/v1/aml/cases/${amlCase.id}/report.pdf`} download>
              {t('case.pdf')}
            </Button>
          </Space>
        )}
      </Card>
    </Space>
  );
}

function AlertEvidence({ alert }: { alert: AmlAlert }) {
  const { t } = useTranslation('staffAml');
  return (
    <div style={{ marginBottom: 16 }}>
      <Space wrap>
        <Tag color="red">{t(`rule.${alert.ruleCode}`)}</Tag>
        <Typography.Text type="secondary">
          {t('case.alertLine', { date: alert.businessDate, version: alert.ruleSetVersion })}
        </Typography.Text>
      </Space>
      {alert.evidence.sharedAccounts && (
        <Typography.Paragraph>
          {t('case.shared', {
            kind: t(`identifier.${alert.evidence.sharedAccounts.kind}`),
            accounts: alert.evidence.sharedAccounts.userIds.join(', '),
          })}
        </Typography.Paragraph>
      )}
      {alert.evidence.transactions.length > 0 && (
        <Table<AmlTransaction>
          rowKey={(r) => `${r.ref}:${r.direction}`}
          size="small"
          pagination={false}
          dataSource={alert.evidence.transactions}
          scroll={{ x: 'max-content' }}
          columns={[
            { key: 'at', title: t('tx.at'), render: (_, r) => formatDate(r.at) },
            { key: 'kind', title: t('tx.kind'), render: (_, r) => t(`kind.${r.kind}`) },
            {
              key: 'amount',
              title: t('tx.amount'),
              align: 'right',
              render: (_, r) => <Amount value={r.amount} />,
            },
            { key: 'ref', title: t('tx.ref'), dataIndex: 'ref' },
          ]}
        />
      )}
    </div>
  );
}
