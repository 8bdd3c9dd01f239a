import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, Flex, Form, Input, Popconfirm, Select, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { JsonField } from '../../components/JsonField.tsx';
import { ErrorAlert, QueryView } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { useFormKey } from '../../formKey.ts';
import { formatDate } from '../../i18n/index.ts';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';
import type { WealthProduct } from '../wealth/types.ts';

export interface StaffProduct extends WealthProduct {
  createdBy: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
  createdAt: string;
}

export const useStaffProducts = () =>
  useQuery({
    queryKey: ['staff-wealth', 'products'],
    queryFn: async () => (await api.get<{ items: StaffProduct[] }>('/v1/wealth/ops/products')).items,
  });

const FIXED_TEMPLATE = {
  annualRate: '0.0385',
  dayCount: 'actual/365',
  raiseStart: 'YYYY-MM-DD',
  raiseEnd: 'YYYY-MM-DD',
  valueDate: 'YYYY-MM-DD',
  maturityDate: 'YYYY-MM-DD',
  minTotal: '100000.00',
  maxTotal: '1000000.00',
  minPurchase: '1000.00',
  step: '1000.00',
  perInvestorCap: '100000.00',
  earlyRedemption: { mode: 'reduced_rate', rate: '0.0100' },
};

interface Draft {
  code: string;
  kind: WealthProduct['kind'];
  nameZh: string;
  nameEn: string;
  riskLevel: number;
  allowOverride: boolean;
  terms: string;
}

function CreateDraft() {
  const { t } = useTranslation('staffWealth');
  const client = useQueryClient();
  const [form] = Form.useForm<Draft>();
  const { key, renew, renewAfter } = useFormKey();
  const create = useMutation({
    mutationFn: (v: Draft) =>
      api.post<StaffProduct>(
        '/v1/wealth/ops/products',
        { ...v, code: v.code.trim(), terms: JSON.parse(v.terms) as Record<string, unknown> },
        key,
      ),
    onSuccess: () => {
      renew();
      void client.invalidateQueries({ queryKey: ['staff-wealth', 'products'] });
    },
    onError: (error) => {
      renewAfter(error);
      form.setFields(fieldErrors(error));
    },
  });
  return (
    <Card title={t('products.create')}>
      {create.isSuccess && (
        <Alert
          type="success"
          showIcon
          role="status"
          style={{ marginBottom: 12 }}
          title={t('products.created', { code: create.data.code })}
        />
      )}
      <Form
        name="wealth-product"
        form={form}
        layout="vertical"
        style={{ maxWidth: 640 }}
        initialValues={{
          kind: 'fixed_term',
          riskLevel: 2,
          allowOverride: false,
          terms: JSON.stringify(FIXED_TEMPLATE, null, 2),
        }}
        onFinish={(v) => create.mutate(v)}
      >
        <Form.Item
          name="code"
          label={t('products.code')}
          rules={[{ required: true, message: t('common:validation.required') }]}
        >
          <Input maxLength={32} />
        </Form.Item>
        <Form.Item name="kind" label={t('products.kind')}>
          <Select
            options={(['fixed_term', 'mutual_fund', 'money_market'] as const).map((k) => ({
              value: k,
              label: t(`products.kinds.${k}`),
            }))}
          />
        </Form.Item>
        <Form.Item
          name="nameZh"
          label={t('products.nameZh')}
          rules={[{ required: true, message: t('common:validation.required') }]}
        >
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item
          name="nameEn"
          label={t('products.nameEn')}
          rules={[{ required: true, message: t('common:validation.required') }]}
        >
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="riskLevel" label={t('products.riskLevel')}>
          <Select options={[1, 2, 3, 4, 5].map((n) => ({ value: n, label: `R${n}` }))} />
        </Form.Item>
        <Form.Item name="allowOverride" valuePropName="checked">
          <Checkbox>{t('products.allowOverride')}</Checkbox>
        </Form.Item>
        <JsonField
          name="terms"
          label={t('products.terms')}
          invalid={t('products.termsInvalid')}
          rows={[8, 20]}
        />
        {create.isError && <ErrorAlert error={create.error} />}
        <Button type="primary" htmlType="submit" loading={create.isPending} style={{ marginTop: 12 }}>
          {t('products.create')}
        </Button>
      </Form>
    </Card>
  );
}

/** Every product in every state; a draft is approved by a second person, then published and closed. */
export function Products({ manage }: { manage: boolean }) {
  const { t, i18n } = useTranslation('staffWealth');
  const client = useQueryClient();
  const products = useStaffProducts();
  const act = useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'approve' | 'publish' | 'close' }) =>
      api.post<StaffProduct>(`/v1/wealth/ops/products/${id}/${action}`),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['staff-wealth', 'products'] }),
  });
  const next: Record<string, 'approve' | 'publish' | 'close' | undefined> = {
    draft: 'approve',
    approved: 'publish',
    published: 'close',
  };
  return (
    <Flex vertical gap={16}>
      <Card title={t('products.list')}>
        {act.isError && <ErrorAlert error={act.error} />}
        {act.isSuccess && (
          <Alert
            type="success"
            showIcon
            role="status"
            style={{ marginBottom: 12 }}
            title={t('products.done', {
              code: act.data.code,
              status: t(`products.statuses.${act.data.status}`),
            })}
          />
        )}
        <QueryView query={products}>
          {(list) => (
            <ResponsiveTable<StaffProduct>
              rowKey="id"
              size="small"
              label={t('products.list')}
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              dataSource={list}
              actionKeys={['x']}
              columns={[
                { key: 'c', title: t('products.code'), dataIndex: 'code' },
                { key: 'k', title: t('products.kind'), render: (_, p) => t(`products.kinds.${p.kind}`) },
                {
                  key: 'n',
                  title: t('products.name'),
                  render: (_, p) => (i18n.language === 'en' ? p.nameEn : p.nameZh),
                },
                { key: 'r', title: t('products.risk'), dataIndex: 'riskLevel' },
                {
                  key: 's',
                  title: t('products.status'),
                  render: (_, p) => <Tag>{t(`products.statuses.${p.status}`)}</Tag>,
                },
                {
                  key: 'a',
                  title: t('products.approvedOn'),
                  render: (_, p) => (p.approvedAt ? formatDate(p.approvedAt) : '—'),
                },
                {
                  key: 'x',
                  title: '',
                  render: (_, p) => {
                    const action = next[p.status];
                    if (!manage || !action) return null;
                    const button = (
                      <Button
                        size="small"
                        aria-label={`${t(`products.${action}`)} ${p.code}`}
                        loading={act.isPending && act.variables?.id === p.id}
                        onClick={action === 'close' ? undefined : () => act.mutate({ id: p.id, action })}
                      >
                        {t(`products.${action}`)}
                      </Button>
                    );
                    if (action !== 'close') return button;
                    return (
                      <Popconfirm
                        title={t('products.closeConfirm', { code: p.code })}
                        okText={t('products.close')}
                        cancelText={t('common:action.cancel')}
                        onConfirm={() => act.mutate({ id: p.id, action })}
                      >
                        {button}
                      </Popconfirm>
                    );
                  },
                },
              ]}
            />
          )}
        </QueryView>
      </Card>
      {manage && <CreateDraft />}
    </Flex>
  );
}
