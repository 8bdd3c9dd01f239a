import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Popconfirm, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { ItemList } from '../../components/ItemList.tsx';
import { ErrorAlert, QueryView } from '../../components/ui.tsx';
import type { Me } from '../../session.tsx';
import { type BankCard, useCards } from '../wallet/types.ts';
import { BindCard } from './BindCard.tsx';

/** The bound cards (default, unbind, finish a pending one) and binding a new one. */
export function Cards({ me }: { me: Me }) {
  const { t } = useTranslation('account');
  const client = useQueryClient();
  const cards = useCards();
  const [binding, setBinding] = useState<{ id: string } | null | 'new'>(null);
  const refresh = () => void client.invalidateQueries({ queryKey: ['cards'] });
  const makeDefault = useMutation({
    mutationFn: (id: string) => api.post(`/v1/me/cards/${id}/default`),
    onSuccess: refresh,
  });
  const unbind = useMutation({
    mutationFn: (id: string) => api.delete(`/v1/me/cards/${id}`),
    onSuccess: refresh,
  });

  if (me.kycLevel < 1) {
    return (
      <Alert
        type="warning"
        showIcon
        title={t('cards.needKyc')}
        action={<Link to="/account?tab=identity">{t('cards.goKyc')}</Link>}
      />
    );
  }
  const actions = (card: BankCard) => {
    return [
      card.status === 'pending_verification' ? (
        <Button key="code" size="small" onClick={() => setBinding({ id: card.id })}>
          {t('cards.enterCode')}
        </Button>
      ) : null,
      card.isDefault || card.status !== 'active' ? null : (
        <Button
          key="default"
          size="small"
          onClick={() => makeDefault.mutate(card.id)}
          aria-label={`${t('cards.makeDefault')} ${card.last4}`}
        >
          {t('cards.makeDefault')}
        </Button>
      ),
      <Popconfirm
        key="unbind"
        title={t('cards.unbindConfirm')}
        okText={t('yes')}
        cancelText={t('no')}
        onConfirm={() => unbind.mutate(card.id)}
      >
        <Button size="small" danger aria-label={`${t('cards.unbind')} ${card.last4}`}>
          {t('cards.unbind')}
        </Button>
      </Popconfirm>,
    ].filter(Boolean);
  };

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <ErrorAlert error={makeDefault.error ?? unbind.error} />
      <QueryView query={cards}>
        {(items) => (
          <ItemList
            label={t('tabs.cards')}
            items={items.map((card) => ({
              key: card.id,
              title: `${card.bankCode} ${card.maskedNumber}`,
              description: (
                <Space wrap>
                  <Tag color={card.status === 'active' ? 'success' : 'warning'}>
                    {t(`cards.status.${card.status}`, { defaultValue: card.status })}
                  </Tag>
                  {card.isDefault ? <Tag color="blue">{t('cards.default')}</Tag> : null}
                </Space>
              ),
              actions: actions(card),
            }))}
          />
        )}
      </QueryView>
      {binding ? (
        <Card title={t('cards.bind')} size="small">
          <BindCard
            key={binding === 'new' ? 'new' : binding.id}
            pending={binding === 'new' ? null : binding}
            onDone={() => setBinding(null)}
          />
        </Card>
      ) : (
        <Button type="primary" onClick={() => setBinding('new')}>
          {t('cards.bind')}
        </Button>
      )}
    </Space>
  );
}
