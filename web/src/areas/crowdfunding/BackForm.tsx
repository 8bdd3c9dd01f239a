import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Flex,
  Form,
  Input,
  Radio,
  Result,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, type Money, newKey } from '../../api.ts';
import { Amount, AmountInput, ErrorAlert, useAmountRules } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { formatDate } from '../../i18n/index.ts';
import { formatMoney } from '../../money.ts';
import type { Me } from '../../session.tsx';
import { type Backing, cny, formatMonth, type PublicProject, type Tier } from './types.ts';

const NO_REWARD = 'none';

/** A reward tier: its price, what it is, how many are left, when it arrives and whether it ships. */
export function TierFacts({ tier }: { tier: Tier }) {
  const { t } = useTranslation('crowdfunding');
  return (
    <Flex vertical gap={2}>
      <Typography.Text type="secondary" style={{ whiteSpace: 'pre-wrap' }}>
        {tier.description}
      </Typography.Text>
      <Space wrap size={[8, 4]}>
        {tier.remaining === null ? (
          <Tag>{t('tier.unlimited')}</Tag>
        ) : tier.remaining <= 0 ? (
          <Tag color="red">{t('tier.soldOut')}</Tag>
        ) : (
          <Tag color="blue">{t('tier.remaining', { count: tier.remaining, quantity: tier.quantity })}</Tag>
        )}
        <Typography.Text type="secondary">
          {t('tier.delivery', { month: formatMonth(tier.deliveryMonth) })}
        </Typography.Text>
        <Typography.Text type="secondary">
          {tier.shipping ? t('tier.ships') : t('tier.noShipping')}
        </Typography.Text>
      </Space>
    </Flex>
  );
}

/**
 * Back a live project: a reward tier or an amount without a reward, then the payment password to
 * confirm; the money is held in the wallet until the deadline.
 */
export function BackForm({
  project,
  me,
  chosen,
  onChoose,
}: {
  project: PublicProject;
  me: Me;
  chosen: string | undefined;
  onChoose: (tierId: string) => void;
}) {
  const { t } = useTranslation('crowdfunding');
  const client = useQueryClient();
  const navigate = useNavigate();
  const [key, setKey] = useState(newKey);
  const [step, setStep] = useState<'choose' | 'confirm'>('choose');
  const [amount, setAmount] = useState<string>('');
  const [done, setDone] = useState<Backing | null>(null);
  const [form] = Form.useForm<{ paymentPassword: string }>();
  const [chooser] = Form.useForm<{ amount?: string }>();
  const amountRules = useAmountRules();
  const wallet = useQuery({
    queryKey: ['wallet'],
    queryFn: () => api.get<{ available: Money }>('/v1/me/wallet'),
  });
  const choice = chosen ?? project.tiers.find((tier) => tier.remaining !== 0)?.id ?? NO_REWARD;
  const tier = project.tiers.find((x) => x.id === choice);
  const price = tier ? tier.price : cny(amount || '0');
  const back = useMutation({
    mutationFn: (paymentPassword: string) =>
      api.post<Backing>(
        `/v1/crowdfunding/projects/${project.id}/backings`,
        tier
          ? { tierId: tier.id, paymentPassword }
          : { amount: { amount, currency: 'CNY' }, paymentPassword },
        key,
      ),
    onSuccess: (backing) => {
      setDone(backing);
      setKey(newKey());
      // The confirm form unmounts with its password (preserve={false}): nothing to reset here.
      setStep('choose');
      for (const k of [['crowdfunding'], ['wallet']]) void client.invalidateQueries({ queryKey: k });
    },
    onError: (error) => form.setFields(fieldErrors(error)),
  });

  if (done)
    return (
      <Card>
        <Result
          status="success"
          title={t('back.done', { amount: formatMoney(done.amount) })}
          subTitle={t('back.doneHint', { date: formatDate(project.deadlineAt) })}
          extra={[
            <Button type="primary" key="mine" onClick={() => navigate('/crowdfunding/backings')}>
              {t('back.toBackings')}
            </Button>,
            <Button key="again" onClick={() => setDone(null)}>
              {t('back.again')}
            </Button>,
          ]}
        />
      </Card>
    );

  if (project.phase !== 'live') return <Alert type="info" showIcon title={t('back.closed')} />;
  if (me.kycLevel < 1)
    return (
      <Alert
        type="warning"
        showIcon
        title={t('back.verifyFirst')}
        action={<Link to="/account?tab=identity">{t('back.verify')}</Link>}
      />
    );

  return (
    <Card
      title={
        <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>
          {t('back.title')}
        </Typography.Title>
      }
      id="back"
    >
      {step === 'choose' ? (
        <Form
          form={chooser}
          layout="vertical"
          onFinish={(values) => {
            setAmount(values.amount ?? '');
            setStep('confirm');
          }}
        >
          <fieldset style={{ border: 0, padding: 0, margin: '0 0 16px', minWidth: 0 }}>
            <legend style={{ fontSize: 14, marginBottom: 8, border: 0 }}>{t('back.choose')}</legend>
            <Radio.Group
              value={choice}
              onChange={(event) => onChoose(event.target.value as string)}
              style={{ display: 'flex', flexDirection: 'column', gap: 8 }}
            >
              {project.tiers.map((x) => (
                <Radio key={x.id} value={x.id} disabled={x.remaining === 0}>
                  <Typography.Text strong>{x.title}</Typography.Text> · <Amount value={x.price} />
                </Radio>
              ))}
              <Radio value={NO_REWARD}>{t('back.noReward')}</Radio>
            </Radio.Group>
          </fieldset>
          {choice === NO_REWARD && (
            <Form.Item
              name="amount"
              label={t('back.amount')}
              rules={amountRules}
              extra={t('back.amountHint')}
            >
              <AmountInput />
            </Form.Item>
          )}
          <Button type="primary" htmlType="submit" block>
            {t('back.continue')}
          </Button>
        </Form>
      ) : (
        <Form form={form} layout="vertical" preserve={false} onFinish={(v) => back.mutate(v.paymentPassword)}>
          <Descriptions size="small" column={1} style={{ marginBottom: 12 }}>
            <Descriptions.Item label={t('back.reward')}>
              {tier ? tier.title : t('back.noReward')}
            </Descriptions.Item>
            <Descriptions.Item label={t('back.pay')}>
              <Amount value={price} strong />
            </Descriptions.Item>
            <Descriptions.Item label={t('back.available')}>
              <Amount value={wallet.data?.available} />
            </Descriptions.Item>
          </Descriptions>
          <Typography.Paragraph type="secondary">
            {t('back.holdHint', { date: formatDate(project.deadlineAt) })}
          </Typography.Paragraph>
          {!me.hasPaymentPassword && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 12 }}
              title={t('back.noPassword')}
              action={<Link to="/account?tab=security">{t('back.setPassword')}</Link>}
            />
          )}
          <Form.Item
            name="paymentPassword"
            label={t('common:field.paymentPassword')}
            rules={[
              { required: true, message: t('common:validation.required') },
              { pattern: /^\d{6}$/, message: t('back.passwordSix') },
            ]}
          >
            <Input.Password maxLength={6} inputMode="numeric" autoComplete="off" />
          </Form.Item>
          {back.isError && (
            <div style={{ marginBottom: 12 }}>
              <ErrorAlert error={back.error} />
            </div>
          )}
          <Space wrap>
            <Button type="primary" htmlType="submit" loading={back.isPending}>
              {t('back.confirm', { amount: formatMoney(price) })}
            </Button>
            <Button onClick={() => setStep('choose')} disabled={back.isPending}>
              {t('back.change')}
            </Button>
          </Space>
        </Form>
      )}
    </Card>
  );
}
