import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Form, Result, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, type Money } from '../../api.ts';
import { Amount, AmountInput, ErrorAlert, useAmountRules } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { useFormKey } from '../../formKey.ts';
import { formatMoney } from '../../money.ts';
import { useWallet } from '../wallet/types.ts';
import { minorOf, yuan } from './calc.ts';
import type { Line } from './types.ts';

interface Repaid {
  amount: string | Money;
  interest?: string;
  principal?: string;
  allocation?: Record<string, Money | string>;
}

const text = (value: Money | string | undefined) =>
  value === undefined ? undefined : typeof value === 'string' ? value : value.amount;

/** Everything owed on the line: the statement engineer's total, or cash principal plus interest. */
export function owedTotal(line: Line): Money {
  if (line.owed?.total) return line.owed.total;
  return yuan(minorOf(line.owed?.principal) + minorOf(line.owed?.interest));
}

/**
 * Repay any amount from the wallet, with shortcuts for the minimum payment due and for everything
 * owed; the answer says where the money went (penalty, fees, interest, principal).
 */
export function Repay({ line, minimum }: { line: Line; minimum?: Money | null }) {
  const { t } = useTranslation('credit');
  const [form] = Form.useForm<{ amount: string }>();
  const client = useQueryClient();
  const wallet = useWallet();
  const { key, renew, renewAfter } = useFormKey();
  const rules = useAmountRules();
  const full = owedTotal(line);
  const repay = useMutation({
    mutationFn: (v: { amount: string }) =>
      api.post<Repaid>(
        `/v1/credit/lines/${line.id}/repayments`,
        { amount: { amount: v.amount, currency: 'CNY' } },
        key,
      ),
    onSuccess: () => {
      renew();
      form.resetFields();
      void client.invalidateQueries({ queryKey: ['credit'] });
      void client.invalidateQueries({ queryKey: ['wallet'] });
    },
    onError: (error) => {
      renewAfter(error);
      form.setFields(fieldErrors(error));
    },
  });
  const parts = repay.data
    ? (['penalty', 'fees', 'interest', 'principal'] as const)
        .map(
          (part) =>
            [
              part,
              text(repay.data.allocation?.[part]) ??
                (part === 'interest' || part === 'principal' ? repay.data[part] : undefined),
            ] as const,
        )
        .filter((entry): entry is readonly [(typeof entry)[0], string] => typeof entry[1] === 'string')
    : [];
  return (
    <Card title={t('repay.title')}>
      {repay.isSuccess && (
        <Result
          status="success"
          style={{ padding: '8px 0 16px' }}
          title={t('repay.done', {
            amount: formatMoney({ amount: text(repay.data.amount) ?? '0', currency: 'CNY' }),
          })}
          subTitle={
            <span role="status">
              {parts
                .map(([part, amount]) => `${t(`part.${part}`)} ${formatMoney({ amount, currency: 'CNY' })}`)
                .join(' · ')}
            </span>
          }
        />
      )}
      {minorOf(full) === 0n ? (
        <Alert type="success" showIcon title={t('repay.nothingOwed')} />
      ) : (
        <Form
          name="repay"
          form={form}
          layout="vertical"
          style={{ maxWidth: 480 }}
          onFinish={(v) => repay.mutate(v)}
        >
          <Descriptions
            size="small"
            column={1}
            style={{ marginBottom: 12 }}
            items={[
              { key: 'owed', label: t('repay.owed'), children: <Amount value={full} strong /> },
              ...(minimum && minorOf(minimum) > 0n
                ? [{ key: 'min', label: t('repay.minimumDue'), children: <Amount value={minimum} /> }]
                : []),
              ...(wallet.data
                ? [
                    {
                      key: 'wallet',
                      label: t('repay.wallet'),
                      children: <Amount value={wallet.data.available} />,
                    },
                  ]
                : []),
            ]}
          />
          <Form.Item name="amount" label={t('repay.amount')} rules={rules}>
            <AmountInput />
          </Form.Item>
          <Space wrap style={{ marginBottom: 12 }}>
            {minimum && minorOf(minimum) > 0n && (
              <Button onClick={() => form.setFieldValue('amount', minimum.amount)}>
                {t('repay.minimum')}
              </Button>
            )}
            <Button onClick={() => form.setFieldValue('amount', full.amount)}>{t('repay.full')}</Button>
          </Space>
          {repay.isError && <ErrorAlert error={repay.error} />}
          <div>
            <Button type="primary" htmlType="submit" loading={repay.isPending} style={{ marginTop: 12 }}>
              {t('repay.submit')}
            </Button>
          </div>
        </Form>
      )}
    </Card>
  );
}
