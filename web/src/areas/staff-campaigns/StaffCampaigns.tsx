import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, DatePicker, Flex, Form, Input, Table, Tabs, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api } from '../../api.ts';
import { Amount, AmountInput, ErrorAlert, PageTitle, QueryView } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { useFormKey } from '../../formKey.ts';
import { formatDate } from '../../i18n/index.ts';
import { formatMoney, formatRate } from '../../money.ts';
import { can, useMe } from '../../session.tsx';
import { CampaignForm } from './CampaignForm.tsx';
import { FiguresView } from './FiguresView.tsx';
import type { Campaign, Figures, Reward, RewardPaid, SpendEntry } from './types.ts';

function useRewardText() {
  const { t } = useTranslation('staffCampaigns');
  return (reward: Reward) =>
    reward.kind === 'cash'
      ? t('reward.cash', { amount: formatMoney(reward.amount) })
      : reward.kind === 'rate_coupon'
        ? t('reward.rate_coupon', { rate: formatRate(reward.rate), days: reward.days })
        : t('reward.none');
}

/** 渠道与活动: campaigns with their spend, rewards and figures; figures per channel (issue 20). */
export function StaffCampaigns() {
  const { t } = useTranslation('staffCampaigns');
  const manage = can(useMe().data, 'crm:manage');
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'channels' ? 'channels' : 'campaigns';
  const open = params.get('campaign');
  return (
    <>
      <PageTitle>{t('title')}</PageTitle>
      {!manage && <Alert type="info" showIcon title={t('readOnly')} style={{ marginBottom: 16 }} />}
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams(key === 'campaigns' ? {} : { tab: key }, { replace: true })}
        destroyOnHidden
        items={[
          {
            key: 'campaigns',
            label: t('tab.campaigns'),
            children: open ? (
              <CampaignDetail id={open} manage={manage} onBack={() => setParams({}, { replace: true })} />
            ) : (
              <CampaignList manage={manage} onOpen={(id) => setParams({ campaign: id })} />
            ),
          },
          { key: 'channels', label: t('tab.channels'), children: <Channels /> },
        ]}
      />
    </>
  );
}

function CampaignList({ manage, onOpen }: { manage: boolean; onOpen: (id: string) => void }) {
  const { t } = useTranslation('staffCampaigns');
  const rewardText = useRewardText();
  const [editing, setEditing] = useState<Campaign | 'new' | undefined>();
  const campaigns = useQuery({
    queryKey: ['staff-campaigns', 'list'],
    queryFn: async () => (await api.get<{ items: Campaign[] }>('/v1/crm/campaigns')).items,
  });
  return (
    <Card
      title={t('list.title')}
      extra={manage ? <Button onClick={() => setEditing('new')}>{t('list.create')}</Button> : undefined}
    >
      {editing && (
        <CampaignForm
          campaign={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(undefined)}
        />
      )}
      <QueryView query={campaigns}>
        {(items) => (
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            aria-label={t('list.title')}
            dataSource={items}
            scroll={{ x: true }}
            columns={[
              { key: 'code', title: t('list.code'), dataIndex: 'code' },
              { key: 'name', title: t('list.name'), dataIndex: 'name' },
              { key: 'channel', title: t('list.channel'), dataIndex: 'channel' },
              {
                key: 'period',
                title: t('list.period'),
                render: (_, c) => `${formatDate(c.startsOn)} – ${formatDate(c.endsOn)}`,
              },
              { key: 'budget', title: t('list.budget'), render: (_, c) => <Amount value={c.budget} /> },
              { key: 'spend', title: t('list.spend'), render: (_, c) => <Amount value={c.spend} /> },
              { key: 'reward', title: t('list.reward'), render: (_, c) => rewardText(c.reward) },
              {
                key: 'paid',
                title: t('list.rewardsPaid'),
                render: (_, c) => (
                  <>
                    {c.rewardsPaid.count} · <Amount value={c.rewardsPaid.amount} />
                  </>
                ),
              },
              {
                key: 'actions',
                title: '',
                render: (_, c) => (
                  <Flex gap={4}>
                    <Button size="small" onClick={() => onOpen(c.id)}>
                      {t('list.open')}
                    </Button>
                    {manage && (
                      <Button size="small" onClick={() => setEditing(c)}>
                        {t('list.edit')}
                      </Button>
                    )}
                  </Flex>
                ),
              },
            ]}
          />
        )}
      </QueryView>
    </Card>
  );
}

function CampaignDetail({ id, manage, onBack }: { id: string; manage: boolean; onBack: () => void }) {
  const { t } = useTranslation('staffCampaigns');
  const client = useQueryClient();
  const figures = useQuery({
    queryKey: ['staff-campaigns', 'figures', id],
    queryFn: () => api.get<{ campaign: Campaign; figures: Figures }>(`/v1/crm/campaigns/${id}/figures`),
  });
  const spend = useQuery({
    queryKey: ['staff-campaigns', 'spend', id],
    queryFn: async () => (await api.get<{ items: SpendEntry[] }>(`/v1/crm/campaigns/${id}/spend`)).items,
  });
  const rewards = useQuery({
    queryKey: ['staff-campaigns', 'rewards', id],
    queryFn: async () => (await api.get<{ items: RewardPaid[] }>(`/v1/crm/campaigns/${id}/rewards`)).items,
  });
  const [form] = Form.useForm<{ amount: string; spentOn: Dayjs; note?: string }>();
  const { key, renew, renewAfter } = useFormKey();
  const add = useMutation({
    mutationFn: (v: { amount: string; spentOn: Dayjs; note?: string }) =>
      api.post(
        `/v1/crm/campaigns/${id}/spend`,
        {
          amount: { amount: v.amount, currency: 'CNY' },
          spentOn: v.spentOn.format('YYYY-MM-DD'),
          note: v.note ?? '',
        },
        key,
      ),
    onSuccess: () => {
      renew();
      form.resetFields();
      void client.invalidateQueries({ queryKey: ['staff-campaigns'] });
    },
    onError: (error) => {
      renewAfter(error);
      form.setFields(fieldErrors(error));
    },
  });
  return (
    <Flex vertical gap={16}>
      <div>
        <Button onClick={onBack}>{t('detail.back')}</Button>
      </div>
      <QueryView query={figures}>
        {(f) => (
          <Card title={`${f.campaign.name} (${f.campaign.code}) · ${t('detail.figures')}`}>
            <Typography.Paragraph>
              {t('detail.landing')}:{' '}
              <Typography.Text
                code
                copyable
              >{`${window.location.origin}/?campaign=${f.campaign.code}&channel=${f.campaign.channel}`}</Typography.Text>
            </Typography.Paragraph>
            <FiguresView figures={f.figures} />
          </Card>
        )}
      </QueryView>
      <Card title={t('detail.spend')}>
        {manage && (
          <Form form={form} layout="inline" onFinish={(v) => add.mutate(v)} style={{ marginBottom: 16 }}>
            <Form.Item
              name="amount"
              label={t('detail.amount')}
              rules={[{ required: true, message: t('common:validation.required') }]}
            >
              <AmountInput />
            </Form.Item>
            <Form.Item
              name="spentOn"
              label={t('detail.spentOn')}
              rules={[{ required: true, message: t('common:validation.required') }]}
            >
              <DatePicker />
            </Form.Item>
            <Form.Item name="note" label={t('detail.note')}>
              <Input maxLength={200} />
            </Form.Item>
            <Button htmlType="submit" type="primary" loading={add.isPending}>
              {t('detail.submit')}
            </Button>
          </Form>
        )}
        <ErrorAlert error={add.error} />
        <QueryView query={spend}>
          {(items) => (
            <Table
              rowKey="id"
              size="small"
              pagination={false}
              aria-label={t('detail.spend')}
              dataSource={items}
              columns={[
                { key: 'd', title: t('detail.spentOn'), render: (_, s) => formatDate(s.spentOn) },
                { key: 'a', title: t('detail.amount'), render: (_, s) => <Amount value={s.amount} /> },
                { key: 'n', title: t('detail.note'), dataIndex: 'note' },
                { key: 'b', title: t('detail.enteredBy'), dataIndex: 'enteredBy' },
              ]}
            />
          )}
        </QueryView>
      </Card>
      <Card title={t('detail.rewards')}>
        <QueryView query={rewards}>
          {(items) => (
            <Table
              rowKey="id"
              size="small"
              pagination={false}
              aria-label={t('detail.rewards')}
              dataSource={items}
              columns={[
                { key: 'd', title: t('detail.date'), render: (_, r) => formatDate(r.businessDate) },
                { key: 'b', title: t('detail.beneficiary'), dataIndex: 'beneficiaryId' },
                {
                  key: 'r',
                  title: t('detail.role'),
                  render: (_, r) => (r.role === 'user' ? t('detail.roleUser') : t('detail.roleReferrer')),
                },
                { key: 'a', title: t('figures.rewardsPaid'), render: (_, r) => <Amount value={r.amount} /> },
                {
                  key: 'i',
                  title: t('detail.invested'),
                  render: (_, r) => <Amount value={r.investedAmount} />,
                },
              ]}
            />
          )}
        </QueryView>
      </Card>
    </Flex>
  );
}

function Channels() {
  const { t } = useTranslation('staffCampaigns');
  const channels = useQuery({
    queryKey: ['staff-campaigns', 'channels'],
    queryFn: async () =>
      (await api.get<{ items: { channel: string; figures: Figures }[] }>('/v1/crm/channels/figures')).items,
  });
  const pct = (value: string | null) => (value === null ? t('figures.none') : formatRate(value));
  return (
    <QueryView query={channels}>
      {(items) => (
        <Table
          rowKey="channel"
          size="small"
          pagination={false}
          scroll={{ x: true }}
          aria-label={t('tab.channels')}
          dataSource={items}
          columns={[
            { key: 'c', title: t('figures.channel'), dataIndex: 'channel' },
            { key: 's', title: t('figures.signUps'), render: (_, r) => r.figures.signUps },
            { key: 'v', title: t('figures.verified'), render: (_, r) => r.figures.verified },
            { key: 'f', title: t('figures.firstTransaction'), render: (_, r) => r.figures.firstTransaction },
            {
              key: 'o',
              title: t('figures.convOverall'),
              render: (_, r) => pct(r.figures.conversion.overall),
            },
            { key: 'sp', title: t('figures.spend'), render: (_, r) => <Amount value={r.figures.spend} /> },
            {
              key: 'cpa',
              title: t('figures.cpa'),
              render: (_, r) =>
                r.figures.costPerAcquisition ? <Amount value={r.figures.costPerAcquisition} /> : '—',
            },
            {
              key: 'i',
              title: t('figures.invested'),
              render: (_, r) => <Amount value={r.figures.invested} />,
            },
            {
              key: 'b',
              title: t('figures.borrowed'),
              render: (_, r) => <Amount value={r.figures.borrowed} />,
            },
            {
              key: 'rv',
              title: t('figures.revenue'),
              render: (_, r) => <Amount value={r.figures.revenue} />,
            },
            { key: 'ros', title: t('figures.ros'), render: (_, r) => pct(r.figures.returnOnSpend) },
          ]}
        />
      )}
    </QueryView>
  );
}
