import { Card, Col, Row, Statistic, Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Money } from '../../api.ts';
import { Amount, PageTitle, QueryView } from '../../components/ui.tsx';
import { useMe } from '../../session.tsx';
import { History } from './History.tsx';
import { type Needs, Prerequisites, ready } from './Prerequisites.tsx';
import { Statement } from './Statement.tsx';
import { TopUpForm } from './TopUpForm.tsx';
import { TransferForm } from './TransferForm.tsx';
import { activeCards, useCards, useWallet } from './types.ts';
import { WithdrawForm } from './WithdrawForm.tsx';

function Figure({
  label,
  value,
  strong,
  testId,
}: {
  label: string;
  value: Money;
  strong?: boolean;
  testId: string;
}) {
  return (
    <Statistic
      title={label}
      valueRender={() => (
        <span data-testid={testId}>
          <Amount value={value} strong={strong} />
        </span>
      )}
    />
  );
}

const NEEDS: Record<string, Needs> = {
  topUp: { kyc: true, card: true },
  withdraw: { kyc: true, card: true, password: true },
  transfer: {},
};

export function Wallet() {
  const { t } = useTranslation('wallet');
  const me = useMe().data;
  const wallet = useWallet();
  const cards = useCards();
  const usable = activeCards(cards.data);
  const hasCard = usable.length > 0;

  const tab = (key: string, label: string, form: React.ReactNode) => ({
    key,
    label,
    children: (
      <QueryView query={cards}>
        {() => (
          <>
            <Prerequisites needs={NEEDS[key]!} hasCard={hasCard} />
            {ready(NEEDS[key]!, me, hasCard) ? form : null}
          </>
        )}
      </QueryView>
    ),
  });

  return (
    <>
      <PageTitle>{t('title')}</PageTitle>
      <Card style={{ marginBottom: 16 }}>
        <QueryView query={wallet}>
          {(w) => (
            <Row gutter={[16, 16]}>
              <Col xs={12} md={6}>
                <Figure testId="wallet-balance" label={t('balance')} value={w.balance} strong />
              </Col>
              <Col xs={12} md={6}>
                <Figure testId="wallet-available" label={t('available')} value={w.available} />
              </Col>
              <Col xs={12} md={6}>
                <Figure testId="wallet-frozen" label={t('frozen')} value={w.frozen} />
              </Col>
              <Col xs={12} md={6}>
                <Figure testId="wallet-incoming" label={t('incoming')} value={w.incoming} />
              </Col>
            </Row>
          )}
        </QueryView>
      </Card>
      <Card style={{ marginBottom: 16 }}>
        <Tabs
          destroyOnHidden
          items={[
            tab('topUp', t('topUp'), <TopUpForm cards={usable} />),
            tab('withdraw', t('withdraw'), <WithdrawForm cards={usable} />),
            tab('transfer', t('transfer'), <TransferForm />),
          ]}
        />
      </Card>
      <Card title={<Typography.Text strong>{t('history')}</Typography.Text>}>
        {/* The statement is the wallet's history from the ledger; payment orders (their status, a
            failed top-up) stay a tab of their own. */}
        <Tabs
          destroyOnHidden
          items={[
            { key: 'statement', label: t('statement.tab'), children: <Statement /> },
            { key: 'orders', label: t('statement.ordersTab'), children: <History /> },
          ]}
        />
      </Card>
    </>
  );
}
