import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Col, Descriptions, Empty, Input, Row, Select, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, newKey } from '../../api.ts';
import { ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { currentLanguage } from '../../i18n/index.ts';
import { classColor } from '../staff-crm/types.ts';

interface Timer {
  due: string;
  at: string | null;
  state: 'running' | 'warning' | 'breached' | 'met' | 'missed';
}
interface Ticket {
  id: string;
  channel: string;
  customer: { id: string; name: string | null; phone: string | null; class: string | null } | null;
  externalAddress: string | null;
  subject: string | null;
  category: string;
  priority: string;
  owner: { id: string; name: string | null } | null;
  status: string;
  createdAt: string;
  sla: { firstResponse: Timer; resolution: Timer; breached: boolean };
  rating: { rating: number; comment: string | null } | null;
}
interface Detail extends Ticket {
  messages: { id: string; author: 'customer' | 'agent' | 'note'; body: string; at: string }[];
  calls: { id: string; direction: string; durationSeconds: number; summary: string; at: string }[];
}
interface Canned {
  id: string;
  title: string;
  bodyEn: string;
  bodyZh: string;
}

const slaColor: Record<Timer['state'], string> = {
  running: 'green',
  warning: 'orange',
  breached: 'red',
  met: 'green',
  missed: 'red',
};

function SlaTag({ label, timer }: { label: string; timer: Timer }) {
  const { t } = useTranslation('staffInbox');
  return (
    <Tag color={slaColor[timer.state]} data-testid={`sla-${timer.state}`}>
      {label}: {t(`sla.${timer.state}`)}
      {timer.at === null && ` · ${t('due', { at: new Date(timer.due).toLocaleTimeString() })}`}
    </Tag>
  );
}

/** The agents' inbox: the queue (A customers first, nearest SLA first) beside the ticket opened. */
export function InboxPage() {
  const { t } = useTranslation('staffInbox');
  const { id } = useParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const queue = useQuery({
    queryKey: ['inbox', 'queue'],
    queryFn: () => api.get<{ items: Ticket[] }>('/v1/crm/inbox/queue', { limit: 200 }),
    refetchInterval: 60_000,
  });
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource('/v1/crm/inbox/stream');
    const refresh = () => void client.invalidateQueries({ queryKey: ['inbox'] });
    source.addEventListener('message', refresh);
    source.addEventListener('queue', refresh);
    source.addEventListener('resync', refresh);
    return () => source.close();
  }, [client]);
  return (
    <>
      <PageTitle>{t('title')}</PageTitle>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={9}>
          <Card title={t('queue')} size="small">
            {queue.isError ? (
              <ErrorAlert error={queue.error} onRetry={() => void queue.refetch()} />
            ) : (
              <div data-testid="inbox-queue">
                {queue.isPending && <Card loading size="small" />}
                {queue.data?.items.length === 0 && <Empty description={t('empty')} />}
                {(queue.data?.items ?? []).map((ticket) => (
                  <button
                    type="button"
                    key={ticket.id}
                    data-testid="inbox-queue-item"
                    style={{
                      all: 'unset',
                      boxSizing: 'border-box',
                      display: 'block',
                      width: '100%',
                      padding: '8px 4px',
                      borderBottom: '1px solid rgba(128,128,128,0.2)',
                      cursor: 'pointer',
                      background: ticket.id === id ? 'rgba(22,119,255,0.08)' : undefined,
                    }}
                    onClick={() => navigate(`/staff/inbox/${ticket.id}`)}
                  >
                    <Space orientation="vertical" size={2}>
                      <Space wrap>
                        <Tag color={classColor[ticket.priority]}>{ticket.priority}</Tag>
                        <Typography.Text strong>
                          {ticket.customer?.name ?? ticket.externalAddress ?? t('unknownCustomer')}
                        </Typography.Text>
                        <Typography.Text type="secondary">{t(`channels.${ticket.channel}`)}</Typography.Text>
                      </Space>
                      <Space wrap size={4}>
                        <SlaTag label={t('firstResponse')} timer={ticket.sla.firstResponse} />
                        <Tag>{t(`statuses.${ticket.status}`)}</Tag>
                      </Space>
                    </Space>
                  </button>
                ))}
              </div>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={15}>
          {id ? (
            <TicketView id={id} />
          ) : (
            <Card>
              <Empty description={t('pick')} />
            </Card>
          )}
        </Col>
      </Row>
    </>
  );
}

function TicketView({ id }: { id: string }) {
  const { t } = useTranslation('staffInbox');
  const client = useQueryClient();
  const [text, setText] = useState('');
  const [key, setKey] = useState(newKey);
  const ticket = useQuery({
    queryKey: ['inbox', 'ticket', id],
    queryFn: () => api.get<Detail>(`/v1/crm/inbox/tickets/${id}`),
  });
  const canned = useQuery({
    queryKey: ['inbox', 'canned'],
    queryFn: () => api.get<{ items: Canned[] }>('/v1/crm/inbox/canned-answers'),
    staleTime: 60_000,
  });
  const done = (saved: Detail) => {
    client.setQueryData(['inbox', 'ticket', id], saved);
    void client.invalidateQueries({ queryKey: ['inbox', 'queue'] });
  };
  const write = useMutation({
    mutationFn: (note: boolean) =>
      api.post<Detail>(`/v1/crm/inbox/tickets/${id}/messages`, { body: text, note }, key),
    onSuccess: (saved) => {
      setText('');
      setKey(newKey());
      done(saved);
    },
  });
  const take = useMutation({
    mutationFn: () => api.post<Detail>(`/v1/crm/inbox/tickets/${id}/take`),
    onSuccess: done,
  });
  const status = useMutation({
    mutationFn: (next: string) => api.post<Detail>(`/v1/crm/inbox/tickets/${id}/status`, { status: next }),
    onSuccess: done,
  });
  if (ticket.isError) return <ErrorAlert error={ticket.error} onRetry={() => void ticket.refetch()} />;
  const d = ticket.data;
  if (!d) return <Card loading />;
  const closed = d.status === 'closed';
  const zh = currentLanguage() === 'zh';
  return (
    <Card
      data-testid="inbox-ticket"
      size="small"
      title={d.subject ?? t(`channels.${d.channel}`)}
      extra={
        <Space wrap>
          {!closed && <Button onClick={() => take.mutate()}>{t('take')}</Button>}
          {!closed && d.status !== 'resolved' && (
            <Button onClick={() => status.mutate('resolved')}>{t('resolve')}</Button>
          )}
          {d.status === 'resolved' && <Button onClick={() => status.mutate('open')}>{t('reopen')}</Button>}
          {!closed && (
            <Button danger data-testid="inbox-close" onClick={() => status.mutate('closed')}>
              {t('closeTicket')}
            </Button>
          )}
        </Space>
      }
    >
      {(take.isError || status.isError) && <ErrorAlert error={take.error ?? status.error} />}
      <Descriptions size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label={t('customer')}>
          {d.customer ? (
            <Link to={`/staff/crm/customers/${d.customer.id}`} data-testid="inbox-portrait-link">
              {d.customer.name ?? d.customer.phone ?? d.customer.id} · {t('portrait')}
            </Link>
          ) : (
            (d.externalAddress ?? t('unknownCustomer'))
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('class')}>
          {d.customer?.class ? (
            <Tag color={classColor[d.customer.class]}>{d.customer.class}</Tag>
          ) : (
            t('noClass')
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('priority')}>{d.priority}</Descriptions.Item>
        <Descriptions.Item label={t('category')}>{d.category}</Descriptions.Item>
        <Descriptions.Item label={t('owner')}>{d.owner?.name ?? t('nobody')}</Descriptions.Item>
        <Descriptions.Item label={t('status')}>{t(`statuses.${d.status}`)}</Descriptions.Item>
        <Descriptions.Item label={t('firstResponse')}>
          <SlaTag label={t('firstResponse')} timer={d.sla.firstResponse} />
        </Descriptions.Item>
        <Descriptions.Item label={t('resolution')}>
          <SlaTag label={t('resolution')} timer={d.sla.resolution} />
        </Descriptions.Item>
        {d.rating && (
          <Descriptions.Item label={t('rating')}>
            {'★'.repeat(d.rating.rating)} {d.rating.comment}
          </Descriptions.Item>
        )}
      </Descriptions>
      <div data-testid="inbox-messages" style={{ margin: '12px 0' }}>
        {d.messages.map((m) => (
          <div
            key={m.id}
            style={{
              padding: '6px 8px',
              borderBottom: '1px solid rgba(128,128,128,0.2)',
              background: m.author === 'note' ? 'rgba(250,173,20,0.12)' : undefined,
            }}
          >
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {`${t(`authors.${m.author}`)} · ${new Date(m.at).toLocaleString()}`}
            </Typography.Text>
            <div style={{ whiteSpace: 'pre-wrap' }}>{m.body}</div>
          </div>
        ))}
      </div>
      {!closed && (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Select
            aria-label={t('canned')}
            placeholder={t('canned')}
            style={{ minWidth: 240 }}
            value={null}
            options={(canned.data?.items ?? []).map((c) => ({ value: c.id, label: c.title }))}
            onChange={(value) => {
              const answer = canned.data?.items.find((c) => c.id === value);
              if (answer) setText(zh ? answer.bodyZh : answer.bodyEn);
            }}
          />
          <Input.TextArea
            aria-label={t('reply')}
            placeholder={t('placeholder')}
            rows={3}
            maxLength={4000}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
          <Space>
            <Button
              type="primary"
              data-testid="inbox-send"
              disabled={!text.trim()}
              loading={write.isPending && write.variables === false}
              onClick={() => write.mutate(false)}
            >
              {t('send')}
            </Button>
            <Button disabled={!text.trim()} onClick={() => write.mutate(true)}>
              {t('addNote')}
            </Button>
          </Space>
          {write.isError && <ErrorAlert error={write.error} />}
        </Space>
      )}
    </Card>
  );
}
