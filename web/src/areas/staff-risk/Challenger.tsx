import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, DatePicker, Form, Input, Row, Select, Space, Table, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { ErrorAlert, QueryView } from '../../components/ui.tsx';
import { useFormKey } from '../../formKey.ts';
import type { GraphVersion } from './Graphs.tsx';

interface ReportRow {
  variant: string;
  graphVersion: number;
  decisions: number;
  approvalRate: number;
  referRate: number;
  declineRate: number;
  averageScore: number | null;
}

const SHARE = /^(0(\.\d{1,4})?|1(\.0{1,4})?)$/;
const percent = (v: number) => `${(v * 100).toFixed(1)}%`;

/** Give a published version a share of applicants, stop it, and compare champion with challenger. */
export function Challenger({ graphs, manage }: { graphs: GraphVersion[]; manage: boolean }) {
  const { t } = useTranslation('staffRisk');
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<{ graphId: string; share: string }>();
  const setKey = useFormKey();
  const stopKey = useFormKey();
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [dayjs().subtract(30, 'day'), dayjs()]);
  const from = range[0].format('YYYY-MM-DD');
  const to = range[1].format('YYYY-MM-DD');
  const report = useQuery({
    queryKey: ['risk', 'reports', 'challenger', from, to],
    queryFn: () => api.get<{ items: ReportRow[] }>('/v1/risk/reports/challenger', { from, to }),
  });
  const current = useQuery({
    queryKey: ['risk', 'challenger'],
    queryFn: () => api.get<{ challenger: { graphId: string; share: string } | null }>('/v1/risk/challenger'),
  });
  // The form starts from the challenger in place, if any.
  useEffect(() => {
    if (current.data?.challenger) form.setFieldsValue(current.data.challenger);
  }, [current.data, form]);
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ['risk', 'challenger'] });
    return client.invalidateQueries({ queryKey: ['risk', 'reports', 'challenger'] });
  };
  const set = useMutation({
    mutationFn: (v: { graphId: string; share: string }) =>
      api.put<void>('/v1/risk/challenger', v, setKey.key),
    onError: setKey.renewAfter,
    onSuccess: () => {
      setKey.renew();
      void message.success(t('challengerSet'));
      void refresh();
    },
  });
  const stop = useMutation({
    mutationFn: () => api.put<void>('/v1/risk/challenger', null, stopKey.key),
    onError: stopKey.renewAfter,
    onSuccess: () => {
      stopKey.renew();
      form.resetFields();
      void message.success(t('challengerStopped'));
      void refresh();
    },
  });
  const published = graphs.filter((g) => g.status === 'published');
  return (
    <Card title={t('challengerTitle')} style={{ marginTop: 16 }}>
      {manage && (
        <Form
          name="challenger"
          form={form}
          layout="vertical"
          onFinish={(v) => set.mutate({ graphId: v.graphId, share: v.share.trim() })}
        >
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Form.Item
                name="graphId"
                label={t('challengerGraph')}
                rules={[{ required: true, message: t('common:validation.required') }]}
              >
                <Select options={published.map((g) => ({ value: g.id, label: `${g.name} v${g.version}` }))} />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name="share"
                label={t('challengerShare')}
                rules={[
                  { required: true, message: t('common:validation.required') },
                  { pattern: SHARE, message: t('shareInvalid') },
                ]}
              >
                <Input inputMode="decimal" placeholder="0.1000" />
              </Form.Item>
            </Col>
          </Row>
          {(set.error ?? stop.error) ? (
            <Form.Item>
              <ErrorAlert error={set.error ?? stop.error} />
            </Form.Item>
          ) : null}
          <Space wrap style={{ marginBottom: 16 }}>
            <Button type="primary" htmlType="submit" loading={set.isPending}>
              {t('setChallenger')}
            </Button>
            <Button danger loading={stop.isPending} onClick={() => stop.mutate()}>
              {t('stopChallenger')}
            </Button>
          </Space>
        </Form>
      )}
      <div style={{ marginBottom: 12 }}>
        <label htmlFor="challenger-period" style={{ display: 'block', marginBottom: 4 }}>
          {t('reportPeriod')}
        </label>
        <DatePicker.RangePicker
          id={{ start: 'challenger-period' }}
          aria-label={t('reportPeriod')}
          allowClear={false}
          value={range}
          onChange={(v) => {
            if (v?.[0] && v[1]) setRange([v[0], v[1]]);
          }}
        />
      </div>
      <QueryView query={report}>
        {(data) => (
          <Table<ReportRow>
            rowKey={(r) => `${r.variant}:${r.graphVersion}`}
            size="small"
            pagination={false}
            scroll={{ x: true }}
            dataSource={data.items}
            locale={{ emptyText: t('reportEmpty') }}
            columns={[
              {
                title: t('variant'),
                dataIndex: 'variant',
                render: (v: string) => (
                  <Tag color={v === 'challenger' ? 'purple' : 'blue'}>
                    {t(`variants.${v}`, { defaultValue: v })}
                  </Tag>
                ),
              },
              { title: t('version'), dataIndex: 'graphVersion', align: 'right' },
              { title: t('decisions'), dataIndex: 'decisions', align: 'right' },
              { title: t('approvalRate'), dataIndex: 'approvalRate', align: 'right', render: percent },
              { title: t('referRate'), dataIndex: 'referRate', align: 'right', render: percent },
              { title: t('declineRate'), dataIndex: 'declineRate', align: 'right', render: percent },
              {
                title: t('averageScore'),
                dataIndex: 'averageScore',
                align: 'right',
                render: (v: number | null) => v ?? '—',
              },
            ]}
          />
        )}
      </QueryView>
    </Card>
  );
}
