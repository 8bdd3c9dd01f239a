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
  Spin,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, type Money, newKey } from '../../api.ts';
import { Amount, AmountInput, ErrorAlert, useAmountRules } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { formatDate } from '../../i18n/index.ts';
import { formatMoney } from '../../money.ts';
import type { Me } from '../../session.tsx';
import { CardSelect } from '../wallet/CardSelect.tsx';
import { activeCards, useCards } from '../wallet/types.ts';
import { failureText } from './backing-parts.tsx';
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
 * A backing by card, polled (as the wallet polls a top-up) until the channel's answer makes it held
 * or failed.
 */
function CardBackingResult({
  backingId,
  project,
  onAgain,
}: {
  backingId: string;
  project: PublicProject;
  onAgain: () => void;
}) {
  const { t } = useTranslation('crowdfunding');
  const client = useQueryClient();
  const navigate = useNavigate();
  const backing = useQuery({
    queryKey: ['crowdfunding', 'backing', backingId],
    queryFn: async () =>
      (await api.get<{ items: Backing[] }>('/v1/crowdfunding/mine/backings')).items.find(
        (b) => b.id === backingId,
      ) ?? null,
    refetchInterval: (query) => (query.state.data?.status === 'awaiting_payment' ? 1500 : false),
  });
  const status = backing.data?.status;
  const settled = status !== undefined && status !== 'awaiting_payment';
  useEffect(() => {
    if (settled)
      for (const k of [['crowdfunding'], ['wallet']]) void client.invalidateQueries({ queryKey: k });
  }, [settled, client]);
  if (backing.isError) return <ErrorAlert error={backing.error} onRetry={() => void backing.refetch()} />;
  const toBackings = (
    <Button type="primary" key="mine" onClick={() => navigate('/crowdfunding/backings')}>
      {t('back.toBackings')}
    </Button>
  );
  const again = (
    <Button key="again" onClick={onAgain}>
      {t('back.again')}
    </Button>
  );
  const data = backing.data;
  if (!data || data.status === 'awaiting_payment')
    return (
      <Card>
        <Result
          icon={<Spin size="large" />}
          title={t('back.waiting')}
          subTitle={data ? t('back.waitingHint', { amount: formatMoney(data.amount) }) : null}
          extra={[toBackings]}
        />
      </Card>
    );
  if (data.status === 'failed')
    return (
      <Card>
        <Result
          status="warning"
          title={t('back.failed')}
          subTitle={failureText(data)}
          extra={[toBackings, again]}
        />
      </Card>
    );
  return (
    <Card>
      <Result
        status="success"
        title={t('back.cardDone', { amount: formatMoney(data.amount) })}
        subTitle={t('back.doneHint', { date: formatDate(project.deadlineAt) })}
        extra={[toBackings, again]}
      />
    </Card>
  );
}

/**
 * Back a live project: a reward tier or an amount without a reward, then pay from the wallet (the
 * payment password confirms) or by a bound card (the card payment confirms); the money is held in
 * the wallet until the deadline.
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
  const [byCard, setByCard] = useState<string | null>(null);
  const [method, setMethod] = useState<'wallet' | 'card'>('wallet');
  const [form] = Form.useForm<{ paymentPassword?: string; cardId?: string }>();
  const cards = useCards();
  const usable = activeCards(cards.data);
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
  const backCard = useMutation({
    mutationFn: (cardId: string) =>
      api.post<{ backing: Backing; order: { id: string; status: string } }>(
        `/v1/crowdfunding/projects/${project.id}/backings/card`,
        tier ? { tierId: tier.id, cardId } : { amount: { amount, currency: 'CNY' }, cardId },
        key,
      ),
    onSuccess: (created) => {
      setByCard(created.backing.id);
      setKey(newKey());
      setStep('choose');
      void client.invalidateQueries({ queryKey: ['crowdfunding'] });
    },
    onError: (error) => form.setFields(fieldErrors(error)),
  });
  const paying = back.isPending || backCard.isPending;
  const failed = method === 'wallet' ? back : backCard;

  if (byCard)
    return <CardBackingResult backingId={byCard} project={project} onAgain={() => setByCard(null)} />;

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
        <Form
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{ cardId: usable[0]?.id }}
          onFinish={(v) =>
            method === 'wallet' ? back.mutate(v.paymentPassword ?? '') : backCard.mutate(v.cardId ?? '')
          }
        >
          <Descriptions size="small" column={1} style={{ marginBottom: 12 }}>
            <Descriptions.Item label={t('back.reward')}>
              {tier ? tier.title : t('back.noReward')}
            </Descriptions.Item>
            <Descriptions.Item label={t('back.pay')}>
              <Amount value={price} strong />
            </Descriptions.Item>
            {method === 'wallet' && (
              <Descriptions.Item label={t('back.available')}>
                <Amount value={wallet.data?.available} />
              </Descriptions.Item>
            )}
          </Descriptions>
          <fieldset style={{ border: 0, padding: 0, margin: '0 0 12px', minWidth: 0 }}>
            <legend style={{ fontSize: 14, marginBottom: 8, border: 0 }}>{t('back.payWith')}</legend>
            <Radio.Group value={method} onChange={(event) => setMethod(event.target.value)}>
              <Radio value="wallet">{t('back.byWallet')}</Radio>
              <Radio value="card" disabled={usable.length === 0}>
                {t('back.byCard')}
              </Radio>
            </Radio.Group>
            {usable.length === 0 && cards.isSuccess && (
              <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }}>
                {t('back.noCards')} <Link to="/account?tab=cards">{t('back.bindCard')}</Link>
              </Typography.Paragraph>
            )}
          </fieldset>
          {method === 'card' ? (
            <>
              <Form.Item
                name="cardId"
                label={t('back.card')}
                rules={[{ required: true, message: t('common:validation.required') }]}
              >
                <CardSelect cards={usable} />
              </Form.Item>
              <Typography.Paragraph type="secondary">
                {t('back.cardHint', { amount: formatMoney(price), date: formatDate(project.deadlineAt) })}
              </Typography.Paragraph>
            </>
          ) : (
            <Typography.Paragraph type="secondary">
              {t('back.holdHint', { date: formatDate(project.deadlineAt) })}
            </Typography.Paragraph>
          )}
          {method === 'wallet' && !me.hasPaymentPassword && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 12 }}
              title={t('back.noPassword')}
              action={<Link to="/account?tab=security">{t('back.setPassword')}</Link>}
            />
          )}
          {method === 'wallet' && (
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
          )}
          {failed.isError && (
            <div style={{ marginBottom: 12 }}>
              <ErrorAlert error={failed.error} />
            </div>
          )}
          <Space wrap>
            <Button type="primary" htmlType="submit" loading={paying}>
              {method === 'wallet'
                ? t('back.confirm', { amount: formatMoney(price) })
                : t('back.confirmCard', { amount: formatMoney(price) })}
            </Button>
            <Button onClick={() => setStep('choose')} disabled={paying}>
              {t('back.change')}
            </Button>
          </Space>
        </Form>
      )}
    </Card>
  );
}
