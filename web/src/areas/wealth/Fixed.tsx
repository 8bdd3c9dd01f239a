import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Descriptions, Flex, Form, Modal, Progress, Row, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { Amount, AmountInput, ErrorAlert, QueryView, Rate, useAmountRules } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { useFormKey } from '../../formKey.ts';
import { currentLanguage, formatDate } from '../../i18n/index.ts';
import { formatMoney, formatRate } from '../../money.ts';
import { useSuitability } from './Suitability.tsx';
import { type FixedOffer, type FixedPurchase, type FixedTerms, nameOf, useFixedOffers } from './types.ts';

const yuan = (amount: string) => ({ amount, currency: 'CNY' });

/** Calendar days from one ISO date to another. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function EarlyTerms({ terms }: { terms: FixedTerms }) {
  const { t } = useTranslation('wealth');
  const early = terms.earlyRedemption;
  if (!early) return t('fixed.earlyNone');
  return early.mode === 'reduced_rate' ? (
    <>{t('fixed.earlyReduced', { rate: formatRate(early.rate) })}</>
  ) : (
    <>{t('fixed.earlyFee', { rate: formatRate(early.feeRate) })}</>
  );
}

function Terms({ offer }: { offer: FixedOffer }) {
  const { t } = useTranslation('wealth');
  const terms = offer.product.terms as unknown as FixedTerms;
  return (
    <Descriptions
      size="small"
      column={{ xs: 1, sm: 2, lg: 3 }}
      items={[
        { key: 'rate', label: t('fixed.rate'), children: <Rate value={terms.annualRate} /> },
        {
          key: 'term',
          label: t('fixed.term'),
          children: t('fixed.days', { count: daysBetween(terms.valueDate, terms.maturityDate) }),
        },
        {
          key: 'raise',
          label: t('fixed.raising'),
          children: `${formatDate(terms.raiseStart)} – ${formatDate(terms.raiseEnd)}`,
        },
        { key: 'value', label: t('fixed.valueDate'), children: formatDate(terms.valueDate) },
        { key: 'maturity', label: t('fixed.maturity'), children: formatDate(terms.maturityDate) },
        { key: 'dc', label: t('fixed.dayCount'), children: terms.dayCount.toUpperCase() },
        {
          key: 'min',
          label: t('fixed.minimum'),
          children: t('fixed.stepOf', {
            min: formatMoney(yuan(terms.minPurchase)),
            step: formatMoney(yuan(terms.step)),
          }),
        },
        { key: 'cap', label: t('fixed.cap'), children: formatMoney(yuan(terms.perInvestorCap)) },
        { key: 'early', label: t('fixed.early'), children: <EarlyTerms terms={terms} /> },
        { key: 'per', label: t('fixed.per10000'), children: <Amount value={offer.interestPer10000} /> },
      ]}
    />
  );
}

function Buy({ offer }: { offer: FixedOffer }) {
  const { t } = useTranslation('wealth');
  const client = useQueryClient();
  const [form] = Form.useForm<{ amount: string }>();
  const rules = useAmountRules();
  const { key, renew, renewAfter } = useFormKey();
  const suitability = useSuitability();
  const [review, setReview] = useState<string | null>(null);
  const buy = useMutation({
    mutationFn: (v: { amount: string; acknowledgeRisk?: boolean }) =>
      api.post<FixedPurchase>(
        `/v1/wealth/fixed/${offer.product.id}/purchases`,
        {
          amount: yuan(v.amount),
          language: currentLanguage(),
          ...(v.acknowledgeRisk ? { acknowledgeRisk: true } : {}),
        },
        key,
      ),
    onSuccess: () => {
      renew();
      setReview(null);
      form.resetFields();
      void client.invalidateQueries({ queryKey: ['wealth'] });
      void client.invalidateQueries({ queryKey: ['wallet'] });
    },
    onError: (error, v) => {
      renewAfter(error);
      setReview(null);
      if (!suitability.intercept(error, () => buy.mutate({ ...v, acknowledgeRisk: true })))
        form.setFields(fieldErrors(error));
    },
  });
  const terms = offer.product.terms as unknown as FixedTerms;
  if (!offer.raise.open) return <Alert type="info" showIcon title={t('fixed.closed')} />;
  return (
    <>
      {buy.isSuccess && (
        <Alert
          type="success"
          showIcon
          role="status"
          style={{ marginBottom: 12 }}
          title={t('fixed.bought', { amount: formatMoney(buy.data.amount) })}
        />
      )}
      <Form
        name={`fixed-buy-${offer.product.code}`}
        form={form}
        layout="vertical"
        onFinish={(v) => {
          buy.reset();
          setReview(v.amount);
        }}
      >
        <Form.Item
          name="amount"
          label={t('fixed.amount')}
          rules={rules}
          extra={t('fixed.yours', { amount: formatMoney(offer.yours), left: formatMoney(offer.yoursLeft) })}
        >
          <AmountInput />
        </Form.Item>
        {buy.isError && !review && <ErrorAlert error={buy.error} />}
        <Button type="primary" htmlType="submit" style={{ marginTop: 8 }}>
          {t('fixed.review')}
        </Button>
      </Form>
      <Modal
        open={review !== null}
        title={t('fixed.confirmBuy')}
        okText={t('fixed.confirm')}
        cancelText={t('common:action.cancel')}
        confirmLoading={buy.isPending}
        destroyOnHidden
        onOk={() => review && buy.mutate({ amount: review })}
        onCancel={() => setReview(null)}
      >
        <Descriptions
          size="small"
          column={1}
          bordered
          items={[
            {
              key: 'amount',
              label: t('fixed.amount'),
              children: <Amount value={yuan(review ?? '0')} strong />,
            },
            { key: 'rate', label: t('fixed.rate'), children: <Rate value={terms.annualRate} /> },
            { key: 'value', label: t('fixed.valueDate'), children: formatDate(terms.valueDate) },
            { key: 'maturity', label: t('fixed.maturity'), children: formatDate(terms.maturityDate) },
            { key: 'early', label: t('fixed.early'), children: <EarlyTerms terms={terms} /> },
          ]}
        />
      </Modal>
      {suitability.dialog}
    </>
  );
}

/** Fixed-term products on sale: terms, the progress of raising, and a purchase. */
export function Fixed() {
  const { t, i18n } = useTranslation('wealth');
  const offers = useFixedOffers();
  return (
    <QueryView query={offers} empty={(list) => list.length === 0}>
      {(list) => (
        <Flex vertical gap={16}>
          {list.map((offer) => (
            <Card
              key={offer.product.id}
              title={
                <Flex gap={8} align="center" wrap>
                  <span>{nameOf(offer.product, i18n.language)}</span>
                  <Tag>{t('risk', { level: offer.product.riskLevel })}</Tag>
                  {offer.raise.state && <Tag color="blue">{t(`fixed.state.${offer.raise.state}`)}</Tag>}
                </Flex>
              }
            >
              <Row gutter={[16, 16]}>
                <Col xs={24} lg={15}>
                  <Terms offer={offer} />
                  <div style={{ marginTop: 8 }}>
                    <Progress
                      percent={Number(offer.raise.progress)}
                      aria-label={t('fixed.raised')}
                      format={() => `${offer.raise.progress}%`}
                    />
                    <div>
                      {t('fixed.progress', {
                        raised: formatMoney(offer.raise.raised),
                        max: formatMoney(offer.raise.maxTotal),
                        count: offer.raise.investors,
                        min: formatMoney(offer.raise.minTotal),
                      })}
                    </div>
                  </div>
                </Col>
                <Col xs={24} lg={9}>
                  <Buy offer={offer} />
                </Col>
              </Row>
            </Card>
          ))}
        </Flex>
      )}
    </QueryView>
  );
}
