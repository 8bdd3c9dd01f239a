import { useQuery } from '@tanstack/react-query';
import { Button, Card, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { ItemList } from '../../components/ItemList.tsx';
import { currentLanguage } from '../../i18n/index.ts';

export interface DemoAccount {
  phone: string;
  password: string;
  displayName: string;
  roles: string[];
  description: { en: string; zh: string };
}

/** Demo mode only (the endpoint exists only then): the seeded accounts and their password. */
export function DemoAccounts({ onPick }: { onPick: (account: DemoAccount) => void }) {
  const { t } = useTranslation('auth');
  const accounts = useQuery({
    queryKey: ['demo-accounts'],
    queryFn: () => api.get<{ items: DemoAccount[] }>('/v1/dev/demo-accounts'),
    retry: false,
  });
  if (!accounts.data?.items.length) return null;
  return (
    <Card title={t('demoAccounts')} size="small" style={{ width: '100%', maxWidth: 460 }}>
      <Typography.Paragraph type="secondary">{t('demoHint')}</Typography.Paragraph>
      <ItemList
        label={t('demoAccounts')}
        items={accounts.data.items.map((account) => ({
          key: account.phone,
          title: (
            <span>
              {account.displayName}{' '}
              {account.roles.map((role) => (
                <Tag key={role}>{t(`common:role.${role}`)}</Tag>
              ))}
            </span>
          ),
          description: (
            <span style={{ fontVariantNumeric: 'tabular-nums' }}>
              {account.phone} / {account.password} · {account.description[currentLanguage()]}
            </span>
          ),
          actions: [
            <Button
              key="use"
              size="small"
              onClick={() => onPick(account)}
              aria-label={`${t('use')} ${account.displayName}`}
            >
              {t('use')}
            </Button>,
          ],
        }))}
      />
    </Card>
  );
}
