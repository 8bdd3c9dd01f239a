import { Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { PageTitle } from '../../components/ui.tsx';
import { Fixed } from './Fixed.tsx';
import { Funds } from './Funds.tsx';
import { Holdings } from './Holdings.tsx';
import { MoneyMarket } from './Mmf.tsx';

const TABS = ['mmf', 'funds', 'fixed', 'holdings'] as const;

/** 理财 / Wealth: the money-market fund, distributed funds, fixed-term products and my holdings. */
export function Wealth() {
  const { t } = useTranslation('wealth');
  const [params, setParams] = useSearchParams();
  const asked = params.get('tab');
  const tab = TABS.find((x) => x === asked) ?? 'mmf';
  return (
    <>
      <PageTitle>{t('title')}</PageTitle>
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams(key === 'mmf' ? {} : { tab: key }, { replace: true })}
        destroyOnHidden
        items={[
          { key: 'mmf', label: t('tab.mmf'), children: <MoneyMarket /> },
          { key: 'funds', label: t('tab.funds'), children: <Funds /> },
          { key: 'fixed', label: t('tab.fixed'), children: <Fixed /> },
          { key: 'holdings', label: t('tab.holdings'), children: <Holdings /> },
        ]}
      />
    </>
  );
}
