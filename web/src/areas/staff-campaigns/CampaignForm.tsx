import { useMutation, useQueryClient } from '@tanstack/react-query';
import { DatePicker, Form, Input, InputNumber, Modal, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { AmountInput, ErrorAlert, useAmountRules } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { useFormKey } from '../../formKey.ts';
import type { Campaign } from './types.ts';

interface Values {
  code: string;
  name: string;
  channel: string;
  period: [Dayjs, Dayjs];
  budget: string;
  rewardKind: 'none' | 'cash' | 'rate_coupon';
  rewardAmount?: string;
  couponRate?: string;
  couponDays?: number;
  referrerAmount?: string;
  minInvestment: string;
  withinDays: number;
  maxRewards?: number | null;
  rewardBudget?: string;
}

const CODE = /^[a-z0-9_]{1,32}$/;
const cny = (amount: string) => ({ amount, currency: 'CNY' });
const optional = (text: string | undefined) => (text && text.trim() !== '' ? cny(text.trim()) : null);

function initial(campaign: Campaign | undefined): Partial<Values> {
  if (!campaign)
    return { rewardKind: 'none', budget: '0.00', minInvestment: '0.00', withinDays: 30, channel: 'organic' };
  return {
    code: campaign.code,
    name: campaign.name,
    channel: campaign.channel,
    period: [dayjs(campaign.startsOn), dayjs(campaign.endsOn)],
    budget: campaign.budget.amount,
    rewardKind: campaign.reward.kind,
    ...(campaign.reward.kind === 'cash' ? { rewardAmount: campaign.reward.amount.amount } : {}),
    ...(campaign.reward.kind === 'rate_coupon'
      ? { couponRate: campaign.reward.rate, couponDays: campaign.reward.days }
      : {}),
    ...(campaign.referrerAmount ? { referrerAmount: campaign.referrerAmount.amount } : {}),
    minInvestment: campaign.minInvestment.amount,
    withinDays: campaign.withinDays,
    maxRewards: campaign.maxRewards,
    ...(campaign.rewardBudget ? { rewardBudget: campaign.rewardBudget.amount } : {}),
  };
}

/** Creates a campaign, or edits one (everything but its code). */
export function CampaignForm({
  campaign,
  onClose,
}: {
  campaign?: Campaign | undefined;
  onClose: () => void;
}) {
  const { t } = useTranslation('staffCampaigns');
  const [form] = Form.useForm<Values>();
  const kind = Form.useWatch('rewardKind', form);
  const client = useQueryClient();
  const { key, renew, renewAfter } = useFormKey();
  const amountRules = useAmountRules('CNY', { allowZero: true });
  const positiveRules = useAmountRules('CNY');
  const optionalRules = useAmountRules('CNY', { required: false });
  const save = useMutation({
    mutationFn: (v: Values) => {
      const body = {
        name: v.name.trim(),
        channel: v.channel.trim(),
        startsOn: v.period[0].format('YYYY-MM-DD'),
        endsOn: v.period[1].format('YYYY-MM-DD'),
        budget: cny(v.budget),
        reward:
          v.rewardKind === 'cash'
            ? { kind: 'cash', amount: cny(v.rewardAmount ?? '') }
            : v.rewardKind === 'rate_coupon'
              ? { kind: 'rate_coupon', rate: v.couponRate ?? '', days: v.couponDays ?? 0 }
              : { kind: 'none' },
        referrerAmount: optional(v.referrerAmount),
        minInvestment: cny(v.minInvestment),
        withinDays: v.withinDays,
        maxRewards: v.maxRewards ?? null,
        rewardBudget: optional(v.rewardBudget),
      };
      return campaign
        ? api.put(`/v1/crm/campaigns/${campaign.id}`, body)
        : api.post('/v1/crm/campaigns', { ...body, code: v.code.trim() }, key);
    },
    onSuccess: () => {
      renew();
      void client.invalidateQueries({ queryKey: ['staff-campaigns'] });
      onClose();
    },
    onError: (error) => {
      renewAfter(error);
      form.setFields(fieldErrors(error));
    },
  });
  const required = { required: true, message: t('common:validation.required') };
  return (
    <Modal
      open
      title={campaign ? t('form.editTitle', { code: campaign.code }) : t('form.createTitle')}
      okText={t('form.save')}
      cancelText={t('form.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <ErrorAlert error={save.error} />
      <Form form={form} layout="vertical" initialValues={initial(campaign)} onFinish={(v) => save.mutate(v)}>
        <Form.Item
          name="code"
          label={t('form.code')}
          extra={t('form.codeHint')}
          rules={[required, { pattern: CODE, message: t('form.codeMalformed') }]}
        >
          <Input disabled={!!campaign} maxLength={32} />
        </Form.Item>
        <Form.Item name="name" label={t('form.name')} rules={[required]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item
          name="channel"
          label={t('form.channel')}
          rules={[required, { pattern: CODE, message: t('form.codeMalformed') }]}
        >
          <Input maxLength={32} />
        </Form.Item>
        <Form.Item name="period" label={t('form.period')} rules={[required]}>
          <DatePicker.RangePicker />
        </Form.Item>
        <Form.Item name="budget" label={t('form.budget')} rules={amountRules}>
          <AmountInput />
        </Form.Item>
        <Form.Item name="rewardKind" label={t('form.rewardKind')}>
          <Select
            options={(['none', 'cash', 'rate_coupon'] as const).map((k) => ({
              value: k,
              label: t(`reward.${k}`, { amount: '', rate: '', days: '' }),
            }))}
          />
        </Form.Item>
        {kind === 'cash' && (
          <Form.Item name="rewardAmount" label={t('form.rewardAmount')} rules={positiveRules}>
            <AmountInput />
          </Form.Item>
        )}
        {kind === 'rate_coupon' && (
          <>
            <Form.Item name="couponRate" label={t('form.couponRate')} rules={[required]}>
              <Input inputMode="decimal" />
            </Form.Item>
            <Form.Item name="couponDays" label={t('form.couponDays')} rules={[required]}>
              <InputNumber min={1} max={366} precision={0} />
            </Form.Item>
          </>
        )}
        <Form.Item name="referrerAmount" label={t('form.referrerAmount')} rules={optionalRules}>
          <AmountInput />
        </Form.Item>
        <Form.Item name="minInvestment" label={t('form.minInvestment')} rules={amountRules}>
          <AmountInput />
        </Form.Item>
        <Form.Item name="withinDays" label={t('form.withinDays')} rules={[required]}>
          <InputNumber min={0} max={366} precision={0} />
        </Form.Item>
        <Form.Item name="maxRewards" label={t('form.maxRewards')}>
          <InputNumber min={0} precision={0} />
        </Form.Item>
        <Form.Item name="rewardBudget" label={t('form.rewardBudget')} rules={optionalRules}>
          <AmountInput />
        </Form.Item>
      </Form>
    </Modal>
  );
}
