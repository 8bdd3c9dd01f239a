import { Radio, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Amount, Rate } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { formatMoney } from '../../money.ts';
import { plus } from './calc.ts';
import type { PurchaseOption } from './types.ts';

/** An option's instalments in words: "¥102.50 then ¥102.50 × 5 (principal + fee)". */
export function useEachText() {
  const { t } = useTranslation('credit');
  return (o: PurchaseOption) => {
    const first = formatMoney(plus(o.first.principal, o.first.fee));
    if (!o.rest) return first;
    return t('checkout.firstThen', {
      first,
      rest: formatMoney(plus(o.rest.principal, o.rest.fee)),
      count: o.instalments - 1,
    });
  };
}

/**
 * The ways to pay with credit, to choose one: in full by the due date (free) or n instalments, each
 * with its fee, what each instalment is, the total and the APR, before anything is confirmed.
 */
export function OptionsTable({
  options,
  value,
  onChange,
  label,
}: {
  options: PurchaseOption[];
  value: number | null;
  onChange: (instalments: number) => void;
  label: string;
}) {
  const { t } = useTranslation('credit');
  const eachText = useEachText();
  return (
    <Radio.Group value={value} onChange={(e) => onChange(e.target.value)} style={{ width: '100%' }}>
      <Table<PurchaseOption>
        rowKey="instalments"
        size="small"
        pagination={false}
        aria-label={label}
        dataSource={options}
        scroll={{ x: 'max-content' }}
        onRow={(o) => ({ onClick: () => onChange(o.instalments) })}
        columns={[
          {
            key: 'pick',
            title: t('checkout.option'),
            render: (_, o) => (
              <Radio value={o.instalments}>
                {o.instalments === 1 ? t('checkout.inFull') : t('instalmentsCount', { count: o.instalments })}
              </Radio>
            ),
          },
          {
            key: 'fee',
            title: t('checkout.fee'),
            render: (_, o) =>
              o.instalments === 1 ? (
                <Typography.Text type="success">{t('checkout.free')}</Typography.Text>
              ) : (
                <span>
                  <Amount value={o.fee} /> (<Rate value={o.feeRate} />)
                </span>
              ),
          },
          { key: 'each', title: t('checkout.each'), render: (_, o) => eachText(o) },
          { key: 'total', title: t('checkout.total'), render: (_, o) => <Amount value={o.total} strong /> },
          {
            key: 'apr',
            title: t('apr'),
            render: (_, o) => (o.instalments === 1 ? t('checkout.noInterest') : <Rate value={o.apr} />),
          },
          ...(options.some((o) => o.firstDueOn)
            ? [
                {
                  key: 'due',
                  title: t('checkout.firstDue'),
                  render: (_: unknown, o: PurchaseOption) => formatDate(o.firstDueOn),
                },
              ]
            : []),
        ]}
      />
    </Radio.Group>
  );
}
