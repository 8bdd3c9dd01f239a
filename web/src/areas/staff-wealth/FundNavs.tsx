import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, DatePicker, Flex, Form, Input, Select, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type Money } from '../../api.ts';
import { Amount, ErrorAlert, QueryView } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { useFormKey } from '../../formKey.ts';
import { formatDate } from '../../i18n/index.ts';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';
import { useStaffProducts } from './Products.tsx';

interface FundOrderRow {
  id: string;
  kind: 'subscription' | 'redemption';
  status: string;
  productCode: string;
  userId: string;
  tradeDate: string;
  amount: Money | null;
  units: string | null;
  fee: Money | null;
  nav: string | null;
  navMissing: boolean;
}

function EnterNav() {
  const { t } = useTranslation('staffWealth');
  const client = useQueryClient();
  const products = useStaffProducts();
  const funds = (products.data ?? []).filter((p) => p.kind === 'mutual_fund');
  const [form] = Form.useForm<{ productId: string; date: Dayjs; nav: string }>();
  const { key, renew, renewAfter } = useFormKey();
  const enter = useMutation({
    mutationFn: (v: { productId: string; date: Dayjs; nav: string }) =>
      api.post<{ result: string }>(
        '/v1/wealth/ops/funds/navs',
        { productId: v.productId, date: v.date.format('YYYY-MM-DD'), nav: v.nav.trim() },
        key,
      ),
    onSuccess: () => {
      renew();
      void client.invalidateQueries({ queryKey: ['staff-wealth', 'fund-orders'] });
    },
    onError: (error) => {
      renewAfter(error);
      form.setFields(fieldErrors(error));
    },
  });
  return (
    <Card title={t('funds.nav')}>
      {enter.isSuccess && (
        <Alert
          type="success"
          showIcon
          role="status"
          style={{ marginBottom: 12 }}
          title={t('funds.saved', { result: enter.data.result })}
        />
      )}
      <Form name="fund-nav" form={form} layout="inline" onFinish={(v) => enter.mutate(v)}>
        <Form.Item
          name="productId"
          label={t('funds.fund')}
          rules={[{ required: true, message: t('common:validation.required') }]}
        >
          <Select
            style={{ minWidth: 200 }}
            options={funds.map((f) => ({ value: f.id, label: `${f.code} · ${f.nameZh}` }))}
          />
        </Form.Item>
        <Form.Item
          name="date"
          label={t('funds.date')}
          rules={[{ required: true, message: t('common:validation.required') }]}
        >
          <DatePicker />
        </Form.Item>
        <Form.Item
          name="nav"
          label={t('funds.value')}
          rules={[
            { required: true, message: t('common:validation.required') },
            { pattern: /^\d{1,6}(\.\d{1,4})?$/, message: t('funds.valueHint') },
          ]}
        >
          <Input inputMode="decimal" autoComplete="off" style={{ width: 120 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={enter.isPending}>
          {t('funds.submit')}
        </Button>
      </Form>
      {enter.isError && (
        <div style={{ marginTop: 12 }}>
          <ErrorAlert error={enter.error} />
        </div>
      )}
    </Card>
  );
}

function ImportNavs() {
  const { t } = useTranslation('staffWealth');
  const client = useQueryClient();
  const [form] = Form.useForm<{ csv: string }>();
  const { key, renew, renewAfter } = useFormKey();
  const upload = useMutation({
    mutationFn: (v: { csv: string }) =>
      api.post<{ lines: number; created: number; changed: number; unchanged: number }>(
        '/v1/wealth/ops/funds/navs/import',
        { csv: v.csv },
        key,
      ),
    onSuccess: () => {
      renew();
      void client.invalidateQueries({ queryKey: ['staff-wealth', 'fund-orders'] });
    },
    onError: renewAfter,
  });
  const rows =
    upload.error instanceof ApiError
      ? ((upload.error.details as { rows?: { line: number; problems: string[] }[] } | undefined)?.rows ?? [])
      : [];
  return (
    <Card title={t('funds.import')}>
      {upload.isSuccess && (
        <Alert
          type="success"
          showIcon
          role="status"
          style={{ marginBottom: 12 }}
          title={t('funds.imported', upload.data)}
        />
      )}
      <Form name="fund-nav-import" form={form} layout="vertical" onFinish={(v) => upload.mutate(v)}>
        <Form.Item
          name="csv"
          label={t('funds.csv')}
          initialValue={'fund code,date,nav\n'}
          rules={[{ required: true, message: t('common:validation.required') }]}
        >
          <Input.TextArea autoSize={{ minRows: 4, maxRows: 16 }} style={{ fontFamily: 'monospace' }} />
        </Form.Item>
        {upload.isError && <ErrorAlert error={upload.error} />}
        {rows.slice(0, 20).map((r) => (
          <div key={r.line}>{t('funds.badLines', { line: r.line, problems: r.problems.join(', ') })}</div>
        ))}
        <Button type="primary" htmlType="submit" loading={upload.isPending} style={{ marginTop: 12 }}>
          {t('funds.importSubmit')}
        </Button>
      </Form>
    </Card>
  );
}

/** Fund NAVs: one by hand, a CSV import, and the fund orders of a day (which wait for a NAV). */
export function FundNavs({ manage, businessDate }: { manage: boolean; businessDate: string }) {
  const { t } = useTranslation('staffWealth');
  const { t: w } = useTranslation('wealth');
  const [date, setDate] = useState<Dayjs>(dayjs(businessDate));
  const orders = useQuery({
    queryKey: ['staff-wealth', 'fund-orders', date.format('YYYY-MM-DD')],
    queryFn: () =>
      api.get<{
        orders: FundOrderRow[];
        waitingForNav: { productId: string; tradeDate: string; orders: number }[];
      }>('/v1/wealth/ops/funds/orders', { date: date.format('YYYY-MM-DD') }),
  });
  return (
    <Flex vertical gap={16}>
      {manage && <EnterNav />}
      {manage && <ImportNavs />}
      <Card
        title={t('funds.orders')}
        extra={
          <DatePicker
            aria-label={t('funds.date')}
            value={date}
            allowClear={false}
            onChange={(v) => v && setDate(v)}
          />
        }
      >
        <QueryView query={orders}>
          {(o) => (
            <>
              {o.waitingForNav.length > 0 && (
                <Alert
                  type="warning"
                  showIcon
                  style={{ marginBottom: 12 }}
                  title={`${t('funds.waiting')}: ${o.waitingForNav.map((x) => `${formatDate(x.tradeDate)} (${x.orders})`).join('，')}`}
                />
              )}
              <ResponsiveTable<FundOrderRow>
                rowKey="id"
                size="small"
                label={t('funds.orders')}
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                dataSource={o.orders}
                columns={[
                  { key: 'c', title: t('funds.fund'), dataIndex: 'productCode' },
                  { key: 'k', title: t('liquidity.kind'), render: (_, r) => w(`mmf.kind.${r.kind}`) },
                  { key: 'a', title: w('funds.amount'), render: (_, r) => <Amount value={r.amount} /> },
                  { key: 'u', title: w('funds.units'), render: (_, r) => r.units ?? '—' },
                  { key: 'f', title: w('holdings.fee'), render: (_, r) => <Amount value={r.fee} /> },
                  {
                    key: 'n',
                    title: t('funds.value'),
                    render: (_, r) =>
                      r.navMissing ? <Tag color="warning">{t('funds.navMissing')}</Tag> : (r.nav ?? '—'),
                  },
                  { key: 's', title: t('liquidity.status'), render: (_, r) => <Tag>{r.status}</Tag> },
                ]}
              />
            </>
          )}
        </QueryView>
      </Card>
    </Flex>
  );
}
