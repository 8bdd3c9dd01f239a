import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { BankCard } from './types.ts';

export function CardSelect({
  cards,
  id,
  value,
  onChange,
}: {
  cards: BankCard[];
  id?: string;
  value?: string;
  onChange?: (value: string) => void;
}) {
  const { t } = useTranslation('wallet');
  return (
    <Select
      id={id}
      value={value}
      onChange={onChange}
      options={cards.map((card) => ({
        value: card.id,
        label: `${t('cardOption', { bank: card.bankCode, number: card.maskedNumber })}${
          card.isDefault ? ` (${t('defaultCard')})` : ''
        }`,
      }))}
    />
  );
}
