import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Flex, Modal, Skeleton, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { Amount, ErrorAlert, QueryView, Rate } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { formatDecimal, formatMoney } from '../../money.ts';
import {
  type EarlyQuote,
  type FixedPosition,
  type FixedTerms,
  type FundHolding,
  nameOf,
  useMmfHolding,
  useMyFixed,
  useMyFunds,
} from './types.ts';

function EarlyRedemption({ position, onClose }: { position: FixedPosition; onClose: () => void }) {
  const { t } = useTranslation('wealth');
  const client = useQueryClient();
  const path = `/v1/me/wealth/fixed/${position.holdingId}/early-redemption`;
  const quote = useQuery({
    queryKey: ['wealth', 'quote', position.holdingId],
    queryFn: () => api.get<EarlyQuote>(path),
  });
  const redeem = useMutation({
    mutationFn: (q: EarlyQuote) => api.post<EarlyQuote>(path, { net: q.net }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['wealth'] });
      void client.invalidateQueries({ queryKey: ['wallet'] });
    },
    onError: () => void quote.refetch(),
  });
  return (
    <Modal
      open
      title={t('holdings.quoteTitle')}
      okText={t('holdings.confirmEarly')}
      cancelText={t('common:action.close')}
      okButtonProps={{ disabled: !quote.data || redeem.isSuccess, danger: true }}
      confirmLoading={redeem.isPending}
      destroyOnHidden
      onOk={() => quote.data && redeem.mutate(quote.data)}
      onCancel={onClose}
    >
      {redeem.isSuccess ? (
        <Alert
          type="success"
          showIcon
          role="status"
          title={t('holdings.redeemedEarly', { amount: formatMoney(redeem.data.net) })}
        />
      ) : (
        <QueryView query={quote}>
          {(q) => (
            <>
              <Alert type="info" showIcon title={t('holdings.quoteHint')} style={{ marginBottom: 12 }} />
              <Descriptions
                size="small"
                column={1}
                bordered
                items={[
                  { key: 'p', label: t('holdings.principal'), children: <Amount value={q.principal} /> },
                  { key: 'd', label: t('holdings.daysHeld'), children: q.days },
                  { key: 'r', label: t('holdings.rateApplied'), children: <Rate value={q.rate} /> },
                  { key: 'i', label: t('holdings.interest'), children: <Amount value={q.interest} /> },
                  { key: 'f', label: t('holdings.fee'), children: <Amount value={q.fee} /> },
                  { key: 'n', label: t('holdings.net'), children: <Amount value={q.net} strong /> },
                  {
                    key: 'm',
                    label: t('holdings.atMaturity', { date: formatDate(q.maturityDate) }),
                    children: <Amount value={q.interestAtMaturity} type="secondary" />,
                  },
                ]}
              />
              {redeem.isError && (
                <div style={{ marginTop: 12 }}>
                  <ErrorAlert error={redeem.error} />
                </div>
              )}
            </>
          )}
        </QueryView>
      )}
    </Modal>
  );
}

function FixedPositions() {
  const { t, i18n } = useTranslation('wealth');
  const positions = useMyFixed();
  const [quoting, setQuoting] = useState<FixedPosition | null>(null);
  return (
    <Card title={t('holdings.fixed')}>
      <QueryView query={positions}>
        {(list) => (
          <Table<FixedPosition>
            rowKey={(p) => p.product.id}
            size="small"
            pagination={false}
            scroll={{ x: true }}
            aria-label={t('holdings.fixed')}
            dataSource={list}
            columns={[
              { key: 'p', title: t('holdings.product'), render: (_, p) => nameOf(p.product, i18n.language) },
              { key: 'a', title: t('holdings.principal'), render: (_, p) => <Amount value={p.principal} /> },
              {
                key: 'r',
                title: t('fixed.rate'),
                render: (_, p) => <Rate value={(p.product.terms as unknown as FixedTerms).annualRate} />,
              },
              {
                key: 'm',
                title: t('fixed.maturity'),
                render: (_, p) => formatDate((p.product.terms as unknown as FixedTerms).maturityDate),
              },
              {
                key: 'e',
                title: t('holdings.expected'),
                render: (_, p) => <Amount value={p.expectedInterest} />,
              },
              {
                key: 's',
                title: t('holdings.state'),
                render: (_, p) =>
                  p.settlement
                    ? `${t('holdings.settlement')} ${formatMoney(p.settlement.net)}`
                    : p.raiseState
                      ? t(`fixed.state.${p.raiseState}`)
                      : '—',
              },
              {
                key: 'x',
                title: '',
                render: (_, p) =>
                  p.holdingId &&
                  !p.settlement &&
                  (p.product.terms as unknown as FixedTerms).earlyRedemption ? (
                    <Button size="small" onClick={() => setQuoting(p)}>
                      {t('holdings.earlyRedeem')}
                    </Button>
                  ) : null,
              },
            ]}
          />
        )}
      </QueryView>
      {quoting && <EarlyRedemption position={quoting} onClose={() => setQuoting(null)} />}
    </Card>
  );
}

function FundHoldings() {
  const { t, i18n } = useTranslation('wealth');
  const funds = useMyFunds();
  return (
    <Card title={t('holdings.funds')}>
      <QueryView query={funds}>
        {(data) => (
          <Table<FundHolding>
            rowKey="holdingId"
            size="small"
            pagination={false}
            scroll={{ x: true }}
            aria-label={t('holdings.funds')}
            dataSource={data.holdings}
            columns={[
              { key: 'p', title: t('holdings.product'), render: (_, h) => nameOf(h.fund, i18n.language) },
              { key: 'u', title: t('holdings.units'), render: (_, h) => formatDecimal(h.units) },
              { key: 'n', title: t('funds.latestNav'), render: (_, h) => h.fund.latestNav?.nav ?? '—' },
              {
                key: 'v',
                title: t('holdings.marketValue'),
                render: (_, h) => <Amount value={h.marketValue} />,
              },
              { key: 'c', title: t('holdings.cost'), render: (_, h) => <Amount value={h.cost} /> },
              {
                key: 'g',
                title: t('holdings.profit'),
                render: (_, h) => (
                  <Amount
                    value={h.profit}
                    type={h.profit?.amount.startsWith('-') ? 'success' : h.profit ? 'danger' : undefined}
                  />
                ),
              },
              {
                key: 'o',
                title: t('holdings.pendingOrders'),
                render: (_, h) =>
                  h.pendingOrders.length
                    ? h.pendingOrders.map((o) => (
                        <Tag key={o.id}>
                          {t(`mmf.kind.${o.kind}`)} {formatDate(o.tradeDate)}
                        </Tag>
                      ))
                    : '—',
              },
            ]}
          />
        )}
      </QueryView>
    </Card>
  );
}

/** Everything the investor holds: the money-market fund, mutual funds and fixed-term products. */
export function Holdings() {
  const { t } = useTranslation('wealth');
  const mmf = useMmfHolding();
  return (
    <Flex vertical gap={16}>
      <Card title={t('holdings.mmf')}>
        {mmf.isPending ? (
          <Skeleton active />
        ) : mmf.isError ? (
          <ErrorAlert error={mmf.error} />
        ) : (
          <Descriptions
            size="small"
            column={{ xs: 1, sm: 3 }}
            items={[
              { key: 'u', label: t('mmf.units'), children: <Amount value={mmf.data.units} strong /> },
              { key: 'a', label: t('mmf.available'), children: <Amount value={mmf.data.available} /> },
              { key: 'f', label: t('mmf.frozen'), children: <Amount value={mmf.data.frozen} /> },
            ]}
          />
        )}
      </Card>
      <FundHoldings />
      <FixedPositions />
    </Flex>
  );
}
