import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Drawer, Form, Select, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, newKey } from '../../api.ts';
import { JsonField } from '../../components/JsonField.tsx';
import { Amount, ErrorAlert, PageTitle, QueryView } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { formatDate, localName } from '../../i18n/index.ts';
import { can, useMe } from '../../session.tsx';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';

interface Product {
  id: string;
  version: number;
  status: string;
  createdAt: string;
  config: Record<string, unknown> & {
    name?: string;
    nameZh?: string;
    minAmount?: string;
    maxAmount?: string;
    terms?: number[];
  };
}

/** Loan products; operations save a new version of one (loans keep the version they were made under). */
export function Products() {
  const { t } = useTranslation('staffLending');
  const me = useMe();
  const manage = can(me.data, 'lending:manage');
  const [open, setOpen] = useState<Product | null>(null);
  const products = useQuery({
    queryKey: ['lending', 'products'],
    queryFn: () => api.get<Product[]>('/v1/lending/products'),
  });
  return (
    <>
      <PageTitle>{t('productsTitle')}</PageTitle>
      <Card>
        <QueryView query={products} empty={(d) => d.length === 0}>
          {(items) => (
            <ResponsiveTable<Product>
              label={t('productsTitle')}
              actionKeys={['edit']}
              cardTitle={(p) => `${localName(p.config)} · ${p.id}`}
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={items}
              columns={[
                { title: t('id'), dataIndex: 'id' },
                { title: t('name'), key: 'name', render: (_v, p) => localName(p.config) },
                { title: t('version'), dataIndex: 'version' },
                {
                  title: t('status'),
                  dataIndex: 'status',
                  render: (v: string) => (
                    <Tag color={v === 'active' ? 'success' : 'default'}>
                      {t(`statuses.${v}`, { defaultValue: v })}
                    </Tag>
                  ),
                },
                {
                  title: t('amounts'),
                  key: 'amounts',
                  render: (_v, p) => (
                    <>
                      <Amount
                        value={p.config.minAmount ? { amount: p.config.minAmount, currency: 'CNY' } : null}
                      />
                      {' – '}
                      <Amount
                        value={p.config.maxAmount ? { amount: p.config.maxAmount, currency: 'CNY' } : null}
                      />
                    </>
                  ),
                },
                { title: t('terms'), key: 'terms', render: (_v, p) => (p.config.terms ?? []).join(', ') },
                { title: t('createdAt'), dataIndex: 'createdAt', render: (v: string) => formatDate(v) },
                {
                  title: t('edit'),
                  key: 'edit',
                  render: (_v, p) => (
                    <Button
                      size="small"
                      onClick={() => setOpen(p)}
                      aria-label={`${manage ? t('edit') : t('view')} ${p.id}`}
                    >
                      {manage ? t('edit') : t('view')}
                    </Button>
                  ),
                },
              ]}
            />
          )}
        </QueryView>
      </Card>
      <Drawer
        open={!!open}
        title={open ? t('editTitle', { id: open.id }) : ''}
        onClose={() => setOpen(null)}
        size="large"
        destroyOnHidden
      >
        {open && <ProductForm product={open} editable={manage} onSaved={() => setOpen(null)} />}
      </Drawer>
    </>
  );
}

function ProductForm({
  product,
  editable,
  onSaved,
}: {
  product: Product;
  editable: boolean;
  onSaved: () => void;
}) {
  const { t } = useTranslation('staffLending');
  const [form] = Form.useForm<{ config: string; status: string }>();
  const [key, setKey] = useState(newKey);
  const client = useQueryClient();
  const { message } = App.useApp();
  const save = useMutation({
    // A refused request (4xx) is stored under its key: the next attempt needs a key of its own.
    onSettled: (_data, error) => {
      if (!error || (error instanceof ApiError && error.status >= 400 && error.status < 500))
        setKey(newKey());
    },
    mutationFn: (v: { config: string; status: string }) =>
      api.put<Product>(
        `/v1/lending/products/${product.id}`,
        { config: JSON.parse(v.config), status: v.status },
        key,
      ),
    onSuccess: () => {
      setKey(newKey());
      void message.success(t('saved'));
      void client.invalidateQueries({ queryKey: ['lending', 'products'] });
      onSaved();
    },
    onError: (error) => form.setFields(fieldErrors(error)),
  });
  return (
    <Form
      name="product"
      form={form}
      layout="vertical"
      disabled={!editable}
      initialValues={{ config: JSON.stringify(product.config, null, 2), status: product.status }}
      onFinish={(v) => save.mutate(v)}
    >
      <Form.Item name="status" label={t('status')}>
        <Select
          options={['active', 'retired'].map((s) => ({ value: s, label: t(`statuses.${s}`) }))}
          style={{ maxWidth: 200 }}
        />
      </Form.Item>
      <JsonField name="config" label={t('config')} invalid={t('configInvalid')} />
      {save.isError && (
        <Form.Item>
          <ErrorAlert error={save.error} />
        </Form.Item>
      )}
      {editable && (
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          {t('save')}
        </Button>
      )}
    </Form>
  );
}
