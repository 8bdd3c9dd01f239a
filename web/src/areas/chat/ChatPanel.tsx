import { CloseOutlined, CustomerServiceOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Empty, FloatButton, Input, Rate, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newKey } from '../../api.ts';
import { ErrorAlert } from '../../components/ui.tsx';

interface Conversation {
  id: string;
  status: string;
  canRate: boolean;
  rating: { rating: number; comment: string | null } | null;
  messages: { id: string; from: 'me' | 'agent'; body: string; at: string }[];
}

/**
 * The customer's chat with customer service: a floating button opens a panel with their latest
 * conversation; new messages arrive over the inbox's server-sent events; after close, a rating.
 */
export function ChatPanel() {
  const { t } = useTranslation('chat');
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [key, setKey] = useState(newKey);
  const [fresh, setFresh] = useState(false);
  const [stars, setStars] = useState(0);
  const [comment, setComment] = useState('');
  const list = useQuery({
    queryKey: ['chat', 'list'],
    queryFn: () => api.get<{ items: Conversation[] }>('/v1/crm/inbox/chat'),
    enabled: open,
  });
  const latestId = fresh ? undefined : list.data?.items[0]?.id;
  const conversation = useQuery({
    queryKey: ['chat', latestId],
    queryFn: () => api.get<Conversation>(`/v1/crm/inbox/chat/${latestId}`),
    enabled: open && !!latestId,
  });
  useEffect(() => {
    if (!open || typeof EventSource === 'undefined') return;
    const source = new EventSource('/v1/crm/inbox/stream');
    const refresh = () => void client.invalidateQueries({ queryKey: ['chat'] });
    source.addEventListener('message', refresh);
    // The server's listening connection came back: messages may have been missed.
    source.addEventListener('resync', refresh);
    return () => source.close();
  }, [open, client]);
  const current = latestId ? conversation.data : undefined;
  const closed = current?.status === 'closed';
  const send = useMutation({
    mutationFn: () =>
      api.post<Conversation>(
        '/v1/crm/inbox/chat',
        { body: text, ...(current && !closed ? { ticketId: current.id } : {}) },
        key,
      ),
    onSuccess: (saved) => {
      setText('');
      setKey(newKey());
      setFresh(false);
      client.setQueryData(['chat', saved.id], saved);
      void client.invalidateQueries({ queryKey: ['chat', 'list'] });
    },
  });
  const rate = useMutation({
    mutationFn: () =>
      api.post<Conversation>(`/v1/crm/inbox/chat/${current?.id}/rating`, {
        rating: stars,
        ...(comment.trim() ? { comment } : {}),
      }),
    onSuccess: (saved) => client.setQueryData(['chat', saved.id], saved),
  });
  if (!open)
    return (
      <FloatButton
        icon={<CustomerServiceOutlined />}
        type="primary"
        tooltip={t('open')}
        aria-label={t('open')}
        data-testid="chat-open"
        onClick={() => setOpen(true)}
      />
    );
  return (
    <Card
      data-testid="chat-panel"
      title={t('title')}
      size="small"
      extra={
        <Button type="text" icon={<CloseOutlined />} aria-label={t('close')} onClick={() => setOpen(false)} />
      }
      style={{
        position: 'fixed',
        right: 24,
        bottom: 24,
        width: 'min(360px, calc(100vw - 48px))',
        zIndex: 1000,
      }}
    >
      {list.isError && <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />}
      <div style={{ maxHeight: 320, overflowY: 'auto', marginBottom: 12 }} aria-live="polite">
        {!current || current.messages.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('empty')} />
        ) : (
          current.messages.map((m) => (
            <div key={m.id} style={{ textAlign: m.from === 'me' ? 'right' : 'left', margin: '6px 0' }}>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t(m.from === 'me' ? 'me' : 'agent')}
              </Typography.Text>
              <div data-testid={`chat-message-${m.from}`}>{m.body}</div>
            </div>
          ))
        )}
      </div>
      {closed ? (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text>{t('closed')}</Typography.Text>
          {current?.canRate ? (
            <>
              <Typography.Text>{t('rate')}</Typography.Text>
              <Rate value={stars} onChange={setStars} aria-label={t('rate')} />
              <Input.TextArea
                aria-label={t('comment')}
                placeholder={t('comment')}
                value={comment}
                maxLength={2000}
                onChange={(e) => setComment(e.target.value)}
              />
              <Button disabled={stars < 1} loading={rate.isPending} onClick={() => rate.mutate()}>
                {t('submitRating')}
              </Button>
              {rate.isError && <ErrorAlert error={rate.error} />}
            </>
          ) : (
            current?.rating && <Typography.Text>{t('thanks')}</Typography.Text>
          )}
          <Button type="link" onClick={() => setFresh(true)}>
            {t('newChat')}
          </Button>
        </Space>
      ) : (
        <Space.Compact style={{ width: '100%' }}>
          <Input
            aria-label={t('placeholder')}
            placeholder={t('placeholder')}
            value={text}
            maxLength={4000}
            onChange={(e) => setText(e.target.value)}
            onPressEnter={() => text.trim() && send.mutate()}
          />
          <Button
            type="primary"
            disabled={!text.trim()}
            loading={send.isPending}
            onClick={() => send.mutate()}
          >
            {t('send')}
          </Button>
        </Space.Compact>
      )}
      {send.isError && <ErrorAlert error={send.error} />}
    </Card>
  );
}
