import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  Modal,
  Radio,
  Result,
  Select,
  Space,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { Amount, AmountInput, ErrorAlert, Rate, useAmountRules } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { useFormKey } from '../../formKey.ts';
import { amountProblem, compareDecimal, formatMoney, formatRate } from '../../money.ts';
import type { Schedule } from '../invest/lending.ts';
import { toMinor } from '../invest/lending.ts';
import { ScheduleTable } from '../invest/ScheduleTable.tsx';
import { CardSelect } from '../wallet/CardSelect.tsx';
import { activeCards, useCards } from '../wallet/types.ts';
import { drawInterest, yuan } from './calc.ts';
import { type Line, useHas } from './types.ts';

const DRAW_MONTHS = [3, 6, 12];
const DRAW_METHODS = ['equal_installment', 'equal_principal'];

interface Values {
  amount: string;
  repay: 'daily' | 'instalments';
  months: number;
  method: string;
  to: 'wallet' | 'card';
  cardId?: string;
  paymentPassword?: string;
}

/** Trailing zeros off a rate ("0.109500" → "0.1095"), as the API's rate fields take it. */
const plainRate = (rate: string) => rate.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');

/**
 * Draw cash from the line: the amount, how it is repaid (daily interest, or 3/6/12 monthly
 * instalments by a schedule method) and where it goes, with what it costs shown before confirming.
 */
export function DrawCash({ line }: { line: Line }) {
  const { t } = useTranslation('credit');
  const [form] = Form.useForm<Values>();
  const client = useQueryClient();
  const { key, renew, renewAfter } = useFormKey();
  const amountRules = useAmountRules();
  const cards = useCards();
  const bound = activeCards(cards.data);
  const instalmentsOffered = useHas('POST /v1/credit/lines/{id}/draws', 'repayment') === true;
  const cardOffered = useHas('POST /v1/credit/lines/{id}/draws', 'cardId') === true;
  const [confirming, setConfirming] = useState<Values | null>(null);
  const amount = Form.useWatch('amount', form) ?? '';
  const repay = Form.useWatch('repay', form) ?? 'daily';
  const months = Form.useWatch('months', form) ?? 3;
  const method = Form.useWatch('method', form) ?? DRAW_METHODS[0];
  const valid = amount !== '' && !amountProblem(amount, 'CNY');
  const tooMuch = valid && line.available && compareDecimal(amount, line.available.amount) > 0;
  const preview = useQuery({
    queryKey: ['credit', 'draw-preview', amount, months, method, line.pricing.annualRate],
    enabled: valid && repay === 'instalments',
    queryFn: () =>
      api.get<Schedule>('/v1/lending/schedule-preview', {
        principal: amount,
        annualRate: plainRate(line.pricing.annualRate),
        term: months,
        termUnit: 'month',
        method,
        dayCount: 'actual/365',
      }),
  });
  const draw = useMutation({
    mutationFn: (v: Values) =>
      api.post<{ withdrawal?: Record<string, unknown> | null }>(
        `/v1/credit/lines/${line.id}/draws`,
        {
          amount: { amount: v.amount, currency: 'CNY' },
          ...(v.repay === 'instalments' ? { repayment: { months: v.months, method: v.method } } : {}),
          ...(v.to === 'card' && v.cardId
            ? { cardId: v.cardId, paymentPassword: v.paymentPassword || undefined }
            : {}),
        },
        key,
      ),
    onSuccess: () => {
      renew();
      setConfirming(null);
      void client.invalidateQueries({ queryKey: ['credit'] });
      void client.invalidateQueries({ queryKey: ['wallet'] });
    },
    onError: (error) => {
      renewAfter(error);
      setConfirming(null);
      form.setFields(
        fieldErrors(error).map((f) => ({ ...f, name: f.name[0] === 'amount' ? 'amount' : f.name })),
      );
    },
  });

  if (line.status !== 'active')
    return (
      <Alert type="warning" showIcon title={t('draw.notActive', { status: t(`status.${line.status}`) })} />
    );

  if (draw.isSuccess) {
    const v = draw.variables;
    return (
      <Result
        status="success"
        title={t('draw.done', { amount: formatMoney({ amount: v.amount, currency: 'CNY' }) })}
        subTitle={<span role="status">{v.to === 'card' ? t('draw.doneCard') : t('draw.doneWallet')}</span>}
        extra={[
          <Button key="again" type="primary" onClick={() => draw.reset()}>
            {t('draw.again')}
          </Button>,
        ]}
      />
    );
  }

  const dailyCost = valid ? drawInterest(toMinor(amount), line.pricing.dailyRate, 1) : 0n;
  const cost =
    repay === 'daily' ? (
      <Descriptions
        size="small"
        column={1}
        bordered
        items={[
          { key: 'daily', label: t('pricing.daily'), children: formatRate(line.pricing.dailyRate, 4) },
          { key: 'annual', label: t('pricing.annual'), children: <Rate value={line.pricing.annualRate} /> },
          { key: 'apr', label: t('apr'), children: <Rate value={line.pricing.drawApr} /> },
          { key: 'day', label: t('draw.perDay'), children: <Amount value={yuan(dailyCost)} strong /> },
          { key: 'month', label: t('draw.per30Days'), children: <Amount value={yuan(dailyCost * 30n)} /> },
        ]}
      />
    ) : preview.data ? (
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Descriptions
          size="small"
          column={1}
          bordered
          items={[
            { key: 'annual', label: t('pricing.annual'), children: <Rate value={line.pricing.annualRate} /> },
            { key: 'apr', label: t('apr'), children: <Rate value={preview.data.apr} /> },
            {
              key: 'interest',
              label: t('draw.totalInterest'),
              children: <Amount value={{ amount: preview.data.totalInterest, currency: 'CNY' }} strong />,
            },
            {
              key: 'total',
              label: t('draw.totalPayable'),
              children: <Amount value={{ amount: preview.data.totalPayable, currency: 'CNY' }} />,
            },
          ]}
        />
        <ScheduleTable schedule={preview.data} />
      </Space>
    ) : preview.isError ? (
      <ErrorAlert error={preview.error} />
    ) : null;

  return (
    <Card title={t('draw.title')}>
      <Form<Values>
        name="drawCash"
        form={form}
        layout="vertical"
        style={{ maxWidth: 640 }}
        initialValues={{ repay: 'daily', months: 3, method: DRAW_METHODS[0], to: 'wallet' }}
        onFinish={(values) => setConfirming(values)}
      >
        <Form.Item
          name="amount"
          label={t('draw.amount')}
          rules={amountRules}
          extra={t('draw.availableHint', { amount: formatMoney(line.available) })}
        >
          <AmountInput />
        </Form.Item>
        {tooMuch && <Alert type="warning" showIcon title={t('draw.tooMuch')} style={{ marginBottom: 16 }} />}
        <Form.Item name="repay" label={t('draw.repay')}>
          <Radio.Group
            options={[
              { value: 'daily', label: t('draw.daily') },
              { value: 'instalments', label: t('draw.instalments'), disabled: !instalmentsOffered },
            ]}
          />
        </Form.Item>
        {repay === 'instalments' && (
          <Space wrap>
            <Form.Item name="months" label={t('pricing.months')}>
              <Select
                style={{ width: 140 }}
                options={DRAW_MONTHS.map((n) => ({ value: n, label: t('months', { count: n }) }))}
              />
            </Form.Item>
            <Form.Item name="method" label={t('draw.method')}>
              <Select
                style={{ width: 220 }}
                options={DRAW_METHODS.map((m) => ({ value: m, label: t(`invest:methods.${m}`) }))}
              />
            </Form.Item>
          </Space>
        )}
        <Form.Item name="to" label={t('draw.to')}>
          <Radio.Group
            options={[
              { value: 'wallet', label: t('draw.toWallet') },
              { value: 'card', label: t('draw.toCard'), disabled: !cardOffered || bound.length === 0 },
            ]}
          />
        </Form.Item>
        <Form.Item noStyle shouldUpdate={(a, b) => a.to !== b.to}>
          {({ getFieldValue }) =>
            getFieldValue('to') === 'card' ? (
              <Form.Item
                name="cardId"
                label={t('draw.card')}
                initialValue={bound[0]?.id}
                rules={[{ required: true, message: t('common:validation.required') }]}
              >
                <CardSelect cards={bound} />
              </Form.Item>
            ) : null
          }
        </Form.Item>
        <Form.Item noStyle shouldUpdate={(a, b) => a.to !== b.to}>
          {({ getFieldValue }) =>
            getFieldValue('to') === 'card' ? (
              <Form.Item
                name="paymentPassword"
                label={t('common:field.paymentPassword')}
                extra={t('draw.passwordHint')}
              >
                <Input.Password maxLength={6} inputMode="numeric" autoComplete="off" />
              </Form.Item>
            ) : null
          }
        </Form.Item>
        {!instalmentsOffered && (
          <Typography.Paragraph type="secondary">{t('draw.instalmentsLater')}</Typography.Paragraph>
        )}
        <Typography.Title level={5}>{t('draw.cost')}</Typography.Title>
        {valid ? cost : <Typography.Text type="secondary">{t('draw.enterAmount')}</Typography.Text>}
        {draw.isError && <ErrorAlert error={draw.error} />}
        <Button type="primary" htmlType="submit" style={{ marginTop: 16 }} disabled={!!tooMuch}>
          {t('draw.review')}
        </Button>
      </Form>
      <Modal
        open={confirming !== null}
        title={t('draw.confirmTitle')}
        okText={t('draw.confirm')}
        cancelText={t('common:action.cancel')}
        confirmLoading={draw.isPending}
        onOk={() => confirming && draw.mutate(confirming)}
        onCancel={() => setConfirming(null)}
      >
        {confirming && (
          <Descriptions
            size="small"
            column={1}
            items={[
              {
                key: 'amount',
                label: t('draw.amount'),
                children: <Amount value={{ amount: confirming.amount, currency: 'CNY' }} strong />,
              },
              {
                key: 'repay',
                label: t('draw.repay'),
                children:
                  confirming.repay === 'daily'
                    ? t('draw.dailyAt', { rate: formatRate(line.pricing.dailyRate, 4) })
                    : `${t('months', { count: confirming.months })} · ${t(`invest:methods.${confirming.method}`)}`,
              },
              {
                key: 'apr',
                label: t('apr'),
                children: (
                  <Rate
                    value={confirming.repay === 'daily' ? line.pricing.drawApr : (preview.data?.apr ?? null)}
                  />
                ),
              },
              {
                key: 'to',
                label: t('draw.to'),
                children: confirming.to === 'card' ? t('draw.toCard') : t('draw.toWallet'),
              },
            ]}
          />
        )}
      </Modal>
    </Card>
  );
}
