import { useQuery } from '@tanstack/react-query';
import { Card, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { ItemList } from '../../components/ItemList.tsx';
import { formatDate } from '../../i18n/index.ts';

interface InboxMessage {
  id: string;
  template: string;
  body: string;
  createdAt: string;
}

/** Demo mode: the texts netfin "sent" to a number, so that a visitor can read their code. */
export function DevInbox({ phone }: { phone: string }) {
  const { t } = useTranslation();
  const valid = /^1\d{10}$/.test(phone);
  const inbox = useQuery({
    queryKey: ['dev-inbox', phone],
    queryFn: () => api.get<{ items: InboxMessage[] }>('/v1/dev/inbox', { phone }),
    enabled: valid,
    refetchInterval: 1500,
    retry: false,
  });
  if (!valid || inbox.isError) return null;
  return (
    <Card title={t('demo.inbox')} size="small" style={{ width: '100%', maxWidth: 420 }} aria-live="polite">
      <Typography.Paragraph type="secondary">{t('demo.inboxHint')}</Typography.Paragraph>
      <div data-testid="dev-inbox">
        <ItemList
          label={t('demo.inbox')}
          emptyText={t('demo.noMessages')}
          items={(inbox.data?.items ?? []).map((message) => ({
            key: message.id,
            title: message.body,
            description: formatDate(message.createdAt),
          }))}
        />
      </div>
    </Card>
  );
}
