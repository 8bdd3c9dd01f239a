import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Popconfirm, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { ItemList } from '../../components/ItemList.tsx';
import { ErrorAlert, QueryView } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';

interface Session {
  id: string;
  createdAt: string;
  expiresAt: string;
  lastSeenAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

/** A short name for a browser from its user agent: display only. */
function device(userAgent: string | null, unknown: string): string {
  if (!userAgent) return unknown;
  const browser = /(Edg|Chrome|Firefox|Safari)\/[\d.]+/.exec(userAgent)?.[0]?.split('.')[0];
  const os = /(Windows|Mac OS X|Android|iPhone|iPad|Linux)/.exec(userAgent)?.[0];
  return [browser, os].filter(Boolean).join(' · ') || userAgent.slice(0, 40);
}

export function Sessions() {
  const { t } = useTranslation('account');
  const client = useQueryClient();
  const sessions = useQuery({
    queryKey: ['sessions'],
    queryFn: async () => (await api.get<{ items: Session[] }>('/v1/me/sessions')).items,
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.delete(`/v1/me/sessions/${id}`),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['sessions'] }),
  });
  return (
    <>
      <ErrorAlert error={revoke.error} />
      <QueryView query={sessions} empty={(items) => items.length === 0}>
        {(items) => (
          <ItemList
            label={t('security.sessions')}
            items={items.map((session) => ({
              key: session.id,
              title: (
                <>
                  {device(session.userAgent, t('security.unknownDevice'))}{' '}
                  {session.current ? <Tag color="blue">{t('security.current')}</Tag> : null}
                </>
              ),
              description: `${session.ip ?? ''} · ${t('security.lastSeen', { date: formatDate(session.lastSeenAt) })}`,
              actions: session.current
                ? []
                : [
                    <Popconfirm
                      key="out"
                      title={t('security.signOutConfirm')}
                      okText={t('yes')}
                      cancelText={t('no')}
                      onConfirm={() => revoke.mutate(session.id)}
                    >
                      <Button
                        size="small"
                        danger
                        loading={revoke.isPending && revoke.variables === session.id}
                      >
                        {t('security.signOutOne')}
                      </Button>
                    </Popconfirm>,
                  ],
            }))}
          />
        )}
      </QueryView>
    </>
  );
}
