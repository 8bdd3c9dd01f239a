import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Form, Input, Row, Statistic, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, api, newKey } from '../../api.ts';
import { Amount, PageTitle, QueryView } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { can, useMe } from '../../session.tsx';
import type { ClassSummary, MaskedWho } from './types.ts';

/** The class dashboard: customers, revenue (contribution) and assets by class; A customers without a manager. */
export function Classes() {
  const { t } = useTranslation('staffCrm');
  const { data: me } = useMe();
  const summary = useQuery({
    queryKey: ['crm', 'classes'],
    queryFn: () => api.get<ClassSummary>('/v1/crm/classes/summary'),
  });
  return (
    <>
      <PageTitle>{t('classesTitle')}</PageTitle>
      <QueryView query={summary} empty={(s) => s.asOf === null}>
        {(s) => (
          <>
            <Typography.Paragraph type="secondary">
              {t('asOf', { date: formatDate(s.asOf) })}
            </Typography.Paragraph>
            <Row gutter={[16, 16]}>
              {s.classes.map((c) => (
                <Col key={c.class} xs={24} sm={12} lg={6}>
                  <Card
                    title={
                      <Link
                        to={
                          c.class === 'unclassed'
                            ? '/staff/crm/customers'
                            : `/staff/crm/customers?class=${c.class}`
                        }
                      >
                        {t(`classes.${c.class}`)}
                      </Link>
                    }
                  >
                    <Statistic title={t('customers')} value={c.customers} />
                    <div>
                      {t('revenue')}: <Amount value={c.contribution} strong />
                    </div>
                    <div>
                      {t('assets')}: <Amount value={c.aum} />
                    </div>
                  </Card>
                </Col>
              ))}
            </Row>
            <Typography.Paragraph style={{ marginTop: 16 }}>
              {t('aWithoutManager', { count: s.aWithoutManager })}
            </Typography.Paragraph>
            {can(me, 'crm:manage') && s.aWithoutManager > 0 && <Unmanaged />}
          </>
        )}
      </QueryView>
    </>
  );
}

function Unmanaged() {
  const { t } = useTranslation('staffCrm');
  const { message } = App.useApp();
  const client = useQueryClient();
  const [key, setKey] = useState(newKey);
  const list = useQuery({
    queryKey: ['crm', 'managers'],
    queryFn: () =>
      api.get<{ items: { userId: string; who: MaskedWho }[] }>('/v1/crm/managers', { limit: 50 }),
  });
  const assign = useMutation({
    onSettled: (_d, error) => {
      if (!error || (error instanceof ApiError && error.status < 500)) setKey(newKey());
    },
    mutationFn: (body: { userId: string; managerId: string }) => api.post('/v1/crm/managers', body, key),
    onSuccess: () => {
      void message.success(t('assigned'));
      void client.invalidateQueries({ queryKey: ['crm'] });
    },
    onError: (error) => void message.error(error instanceof Error ? error.message : String(error)),
  });
  return (
    <Card>
      <Table
        rowKey="userId"
        size="small"
        loading={list.isPending}
        dataSource={list.data?.items}
        pagination={false}
        columns={[
          {
            title: t('customer'),
            render: (_v, r) => (
              <Link to={`/staff/crm/customers/${r.userId}`}>
                {r.who.realName ?? r.who.displayName ?? r.who.phone}
              </Link>
            ),
          },
          {
            title: t('fields.manager'),
            render: (_v, r) => (
              <Form
                layout="inline"
                onFinish={(v: { managerId: string }) =>
                  assign.mutate({ userId: r.userId, managerId: v.managerId.trim() })
                }
              >
                <Form.Item name="managerId" rules={[{ required: true }]}>
                  <Input aria-label={t('managerId')} placeholder={t('managerId')} style={{ width: 300 }} />
                </Form.Item>
                <Button htmlType="submit" loading={assign.isPending}>
                  {t('assign')}
                </Button>
              </Form>
            ),
          },
        ]}
      />
    </Card>
  );
}
