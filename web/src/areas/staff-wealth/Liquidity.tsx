import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Flex,
  Form,
  Input,
  Row,
  Statistic,
  Tag,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Money } from '../../api.ts';
import { Amount, AmountInput, ErrorAlert, QueryView, useAmountRules } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { useFormKey } from '../../formKey.ts';
import { formatDate } from '../../i18n/index.ts';
import { formatMoney } from '../../money.ts';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';
import type { MmfOrder } from '../wealth/types.ts';

interface LiquidityView {
  businessDate: string;
  available: Money;
  drawnNotRestored: Money;
  usedToday: Money;
  fundCapPerDay: Money;
  fundLeftToday: Money;
  investorCapPerDay: Money;
}

interface Total {
  count: number;
  amount: Money;
}

interface DayView {
  date: string;
  totals: { subscriptions: Total; normalRedemptions: Total; quickRedemptions: Total };
  orders: (MmfOrder & { userId: string })[];
  truncated: boolean;
}

function TopUp() {
  const { t } = useTranslation('staffWealth');
  const client = useQueryClient();
  const [form] = Form.useForm<{ amount: string; reason: string }>();
  const rules = useAmountRules();
  const { key, renew, renewAfter } = useFormKey();
  const topUp = useMutation({
    mutationFn: (v: { amount: string; reason: string }) =>
      api.post(
        '/v1/wealth/ops/mmf/liquidity/top-up',
        { amount: { amount: v.amount, currency: 'CNY' }, reason: v.reason.trim() },
        key,
      ),
    onSuccess: () => {
      renew();
      form.resetFields();
      void client.invalidateQueries({ queryKey: ['staff-wealth', 'liquidity'] });
    },
    onError: (error) => {
      renewAfter(error);
      form.setFields(fieldErrors(error));
    },
  });
  return (
    <>
      {topUp.isSuccess && (
        <Alert
          type="success"
          showIcon
          role="status"
          title={t('liquidity.toppedUp')}
          style={{ marginBottom: 12 }}
        />
      )}
      <Form name="mmf-top-up" form={form} layout="inline" onFinish={(v) => topUp.mutate(v)}>
        <Form.Item name="amount" label={t('liquidity.amount')} rules={rules}>
          <AmountInput />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('liquidity.reason')}
          rules={[{ required: true, message: t('common:validation.required') }]}
        >
          <Input maxLength={200} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={topUp.isPending}>
          {t('liquidity.topUp')}
        </Button>
      </Form>
      {topUp.isError && (
        <div style={{ marginTop: 12 }}>
          <ErrorAlert error={topUp.error} />
        </div>
      )}
    </>
  );
}

/** The fund's liquidity for quick redemptions (and its top-up), and the day's orders. */
export function Liquidity({ manage, businessDate }: { manage: boolean; businessDate: string }) {
  const { t } = useTranslation('wealth');
  const { t: s } = useTranslation('staffWealth');
  const liquidity = useQuery({
    queryKey: ['staff-wealth', 'liquidity'],
    queryFn: () => api.get<LiquidityView>('/v1/wealth/ops/mmf/liquidity'),
  });
  const [date, setDate] = useState<Dayjs>(dayjs(businessDate));
  const day = useQuery({
    queryKey: ['staff-wealth', 'mmf-day', date.format('YYYY-MM-DD')],
    queryFn: () => api.get<DayView>('/v1/wealth/ops/mmf/day', { date: date.format('YYYY-MM-DD') }),
  });
  return (
    <Flex vertical gap={16}>
      <Card title={s('liquidity.title')}>
        <QueryView query={liquidity}>
          {(l) => (
            <>
              <Row gutter={[16, 16]}>
                <Col xs={12} md={8}>
                  <Statistic title={s('liquidity.available')} value={formatMoney(l.available)} />
                </Col>
                <Col xs={12} md={8}>
                  <Statistic title={s('liquidity.usedToday')} value={formatMoney(l.usedToday)} />
                </Col>
                <Col xs={12} md={8}>
                  <Statistic title={s('liquidity.fundLeft')} value={formatMoney(l.fundLeftToday)} />
                </Col>
              </Row>
              <Descriptions
                size="small"
                column={{ xs: 1, md: 3 }}
                style={{ marginTop: 12, marginBottom: 12 }}
                items={[
                  { key: 'd', label: s('liquidity.drawn'), children: <Amount value={l.drawnNotRestored} /> },
                  { key: 'f', label: s('liquidity.fundCap'), children: <Amount value={l.fundCapPerDay} /> },
                  {
                    key: 'i',
                    label: s('liquidity.investorCap'),
                    children: <Amount value={l.investorCapPerDay} />,
                  },
                ]}
              />
              {manage && <TopUp />}
            </>
          )}
        </QueryView>
      </Card>
      <Card
        title={s('liquidity.day')}
        extra={
          <DatePicker
            aria-label={s('liquidity.date')}
            value={date}
            allowClear={false}
            onChange={(value) => value && setDate(value)}
          />
        }
      >
        <QueryView query={day}>
          {(d) => (
            <>
              <Descriptions
                size="small"
                column={{ xs: 1, md: 3 }}
                items={(
                  [
                    ['subscriptions', d.totals.subscriptions],
                    ['normal', d.totals.normalRedemptions],
                    ['quick', d.totals.quickRedemptions],
                  ] as const
                ).map(([k, total]) => ({
                  key: k,
                  label: s(`liquidity.${k}`),
                  children: `${formatMoney(total.amount)} · ${s('liquidity.count', { count: total.count })}`,
                }))}
              />
              <ResponsiveTable<MmfOrder & { userId: string }>
                rowKey="id"
                size="small"
                style={{ marginTop: 12 }}
                label={s('liquidity.orders')}
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                dataSource={d.orders}
                columns={[
                  {
                    key: 'u',
                    title: s('liquidity.user'),
                    render: (_, o) => o.userId.slice(-8).toUpperCase(),
                  },
                  {
                    key: 'k',
                    title: s('liquidity.kind'),
                    render: (_, o) =>
                      [t(`mmf.kind.${o.kind}`), o.mode ? t(`mmf.modeName.${o.mode}`) : '']
                        .filter(Boolean)
                        .join(' · '),
                  },
                  { key: 'a', title: t('mmf.amount'), render: (_, o) => <Amount value={o.amount} /> },
                  { key: 't', title: s('liquidity.tradeDate'), render: (_, o) => formatDate(o.tradeDate) },
                  {
                    key: 'c',
                    title: s('liquidity.settles'),
                    render: (_, o) => formatDate(o.confirmDate ?? o.payDate),
                  },
                  {
                    key: 's',
                    title: s('liquidity.status'),
                    render: (_, o) => <Tag>{t(`mmf.status.${o.status}`)}</Tag>,
                  },
                ]}
              />
            </>
          )}
        </QueryView>
      </Card>
    </Flex>
  );
}
