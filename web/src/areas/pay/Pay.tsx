import { useMutation, useQuery } from '@tanstack/react-query';
import { Button, Card, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { api, newKey } from '../../api.ts';
import { ErrorAlert, PageTitle, QueryView } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { Checkout, type PayerView } from './Checkout.tsx';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** The order id in a payload, read as the API does: `netfin:pay:<id>` or a link ending /pay/<id>. */
function orderIdOf(payload: string): string | undefined {
  const text = payload.trim();
  return (new RegExp(`^netfin:pay:(${UUID})$`).exec(text) ?? new RegExp(`/pay/(${UUID})$`).exec(text))?.[1];
}

/** Pay a merchant: paste (or type) the QR payload, see the order, pay from the wallet. */
export function Pay() {
  const { t } = useTranslation('pay');
  const [form] = Form.useForm<{ payload: string }>();
  const [view, setView] = useState<PayerView | null>(null);
  const [round, setRound] = useState(0);
  const scan = useMutation({
    mutationFn: (values: { payload: string }) =>
      api.post<PayerView>('/v1/pay/scan', { payload: values.payload.trim() }, newKey()),
    onSuccess: setView,
    onError: (error) => form.setFields(fieldErrors(error)),
  });
  const again = () => {
    setView(null);
    scan.reset();
    form.resetFields();
    setRound((n) => n + 1);
  };
  return (
    <>
      <PageTitle>{t('title')}</PageTitle>
      <Card>
        {view ? (
          <Checkout key={`${view.order.id}-${round}`} view={view} onDone={again} />
        ) : (
          <Form
            name="scan"
            form={form}
            layout="vertical"
            onFinish={(values) => scan.mutate(values)}
            style={{ maxWidth: 520 }}
          >
            <Form.Item
              name="payload"
              label={t('payload')}
              extra={t('payloadHint')}
              rules={[
                { required: true, message: t('common:validation.required') },
                {
                  validator: async (_rule, value: string | undefined) => {
                    if (value?.trim() && !orderIdOf(value)) throw new Error(t('malformed'));
                  },
                },
              ]}
            >
              <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={300} spellCheck={false} />
            </Form.Item>
            {scan.isError && <ErrorAlert error={scan.error} />}
            <Button type="primary" htmlType="submit" loading={scan.isPending} style={{ marginTop: 12 }}>
              {t('read')}
            </Button>
          </Form>
        )}
      </Card>
    </>
  );
}

/** A payment link (…/pay/<order id>) opens the order straight away. */
export function PayOrder() {
  const { t } = useTranslation('pay');
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const order = useQuery({
    queryKey: ['pay-order', id],
    queryFn: () => api.get<PayerView>(`/v1/pay/orders/${id}`),
  });
  return (
    <>
      <PageTitle>{t('title')}</PageTitle>
      <Card>
        <QueryView query={order}>
          {(view) => <Checkout view={view} onDone={() => navigate('/pay')} />}
        </QueryView>
      </Card>
    </>
  );
}
