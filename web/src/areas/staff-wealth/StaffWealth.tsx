import { Alert, Skeleton, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { PageTitle } from '../../components/ui.tsx';
import { can, useMe } from '../../session.tsx';
import { Calendar, useCalendar } from './Calendar.tsx';
import { FundNavs } from './FundNavs.tsx';
import { Income } from './Income.tsx';
import { Liquidity } from './Liquidity.tsx';
import { Products } from './Products.tsx';

const TABS = ['income', 'calendar', 'products', 'liquidity', 'funds'] as const;

/** 理财运营: the fund's income, the trading calendar, products, liquidity and orders, fund NAVs. */
export function StaffWealth() {
  const { t } = useTranslation('staffWealth');
  const me = useMe().data;
  const manage = can(me, 'wealth:manage');
  const calendar = useCalendar();
  const [params, setParams] = useSearchParams();
  const asked = params.get('tab');
  const tab = TABS.find((x) => x === asked) ?? 'income';
  const businessDate = calendar.data?.businessDate;
  return (
    <>
      <PageTitle>{t('title')}</PageTitle>
      {!manage && <Alert type="info" showIcon title={t('readOnly')} style={{ marginBottom: 16 }} />}
      {!businessDate ? (
        <Skeleton active />
      ) : (
        <Tabs
          activeKey={tab}
          onChange={(key) => setParams(key === 'income' ? {} : { tab: key }, { replace: true })}
          destroyOnHidden
          items={[
            {
              key: 'income',
              label: t('tab.income'),
              children: <Income manage={manage} businessDate={businessDate} />,
            },
            { key: 'calendar', label: t('tab.calendar'), children: <Calendar manage={manage} /> },
            { key: 'products', label: t('tab.products'), children: <Products manage={manage} /> },
            {
              key: 'liquidity',
              label: t('tab.liquidity'),
              children: <Liquidity manage={manage} businessDate={businessDate} />,
            },
            {
              key: 'funds',
              label: t('tab.funds'),
              children: <FundNavs manage={manage} businessDate={businessDate} />,
            },
          ]}
        />
      )}
    </>
  );
}
