import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Descriptions, Form, Input, Row, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError, api, newKey } from '../../api.ts';
import { Amount, PageTitle, QueryView } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { regionName } from '../../regions.ts';
import { can, useMe } from '../../session.tsx';
import { classColor, type Portrait } from './types.ts';

/** One customer's portrait as of the last close (personal data masked), its histories and staff tags. */
export function PortraitPage() {
  const { t } = useTranslation('staffCrm');
  const { userId = '' } = useParams();
  const portrait = useQuery({
    queryKey: ['crm', 'portrait', userId],
    queryFn: () => api.get<Portrait>(`/v1/crm/portraits/${userId}`),
  });
  return (
    <>
      <Link to="/staff/crm/customers">{t('back')}</Link>
      <PageTitle>{t('portraitTitle')}</PageTitle>
      <QueryView query={portrait}>{(p) => <PortraitView p={p} />}</QueryView>
    </>
  );
}

function PortraitView({ p }: { p: Portrait }) {
  const { t } = useTranslation('staffCrm');
  const { data: me } = useMe();
  const s = p.sections;
  const n = (v: string | number | null | undefined) =>
    v === null || v === undefined || v === '' ? t('none') : v;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Text type="secondary">{t('asOf', { date: formatDate(p.asOf) })}</Typography.Text>
      <Space wrap>
        {p.class && <Tag color={classColor[p.class]}>{t(`classes.${p.class}`)}</Tag>}
        {p.classReason && <span>{t(`reasons.${p.classReason}`, { defaultValue: p.classReason })}</span>}
        {[...p.tags.rules, ...p.tags.staff].map((x) => (
          <Tag key={x}>{x}</Tag>
        ))}
      </Space>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card title={t('sections.who')}>
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('fields.name')}>
                {n(p.who.realName ?? p.who.displayName)}
              </Descriptions.Item>
              <Descriptions.Item label={t('fields.phone')}>{p.who.phone}</Descriptions.Item>
              <Descriptions.Item label={t('fields.channel')}>{s.identity.channel}</Descriptions.Item>
              <Descriptions.Item label={t('fields.signedUp')}>
                {formatDate(s.identity.signedUpAt)}
              </Descriptions.Item>
              <Descriptions.Item label={t('fields.ageBand')}>{s.identity.ageBand}</Descriptions.Item>
              <Descriptions.Item label={t('fields.region')}>
                {regionName(s.identity.city ?? s.identity.province)}
              </Descriptions.Item>
              <Descriptions.Item label={t('fields.sex')}>
                {s.identity.sex ? t(`sexes.${s.identity.sex}`) : t('none')}
              </Descriptions.Item>
              <Descriptions.Item label={t('riskClass')}>{n(s.risk.class)}</Descriptions.Item>
              <Descriptions.Item label={t('fields.lastSeen')}>
                {p.live.lastSeenAt ? formatDate(p.live.lastSeenAt) : t('none')}
              </Descriptions.Item>
              <Descriptions.Item label={t('fields.openSessions')}>{p.live.openSessions}</Descriptions.Item>
              <Descriptions.Item label={t('fields.activeDays')}>{s.activity.activeDays30}</Descriptions.Item>
              <Descriptions.Item label={t('fields.manager')}>
                {n(p.manager ? (p.staffNames[p.manager.managerId] ?? p.manager.managerId) : null)}
              </Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('sections.investing')}>
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('fields.count')}>{s.investing.count}</Descriptions.Item>
              <Descriptions.Item label={t('fields.amount')}>
                <Amount value={s.investing.amount} />
              </Descriptions.Item>
              <Descriptions.Item label={t('fields.amount90')}>
                <Amount value={s.investing.amount90} />
              </Descriptions.Item>
              <Descriptions.Item label={t('fields.perMonth')}>{s.investing.perMonth}</Descriptions.Item>
              <Descriptions.Item label={t('fields.grades')}>
                {n(s.investing.grades.join(', '))}
              </Descriptions.Item>
              <Descriptions.Item label={t('fields.products')}>
                {n(s.investing.products.join(', '))}
              </Descriptions.Item>
              <Descriptions.Item label={t('fields.usualTerm')}>{n(s.investing.usualTerm)}</Descriptions.Item>
              <Descriptions.Item label={t('fields.autoInvest')}>
                {s.investing.autoInvest ? t('yes') : t('no')}
              </Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('sections.assets')}>
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('aum')}>
                <Amount value={s.assets.aum} strong />
              </Descriptions.Item>
              <Descriptions.Item label={t('band')}>
                {t(`bands.${s.assets.band}`, { defaultValue: s.assets.band })}
              </Descriptions.Item>
              <Descriptions.Item label={t('fields.wallet')}>
                <Amount value={s.assets.wallet} />
              </Descriptions.Item>
              <Descriptions.Item label={t('fields.notes')}>
                <Amount value={s.assets.notes} />
              </Descriptions.Item>
              <Descriptions.Item label={t('fields.funds')}>
                <Amount value={s.assets.funds} />
              </Descriptions.Item>
              <Descriptions.Item label={t('contribution')}>
                <Amount value={s.contribution.total} strong />
              </Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('sections.borrowing')}>
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('fields.loans')}>{s.borrowing.loans}</Descriptions.Item>
              <Descriptions.Item label={t('fields.borrowed')}>
                <Amount value={s.borrowing.amount} />
              </Descriptions.Item>
              <Descriptions.Item label={t('fields.behaviour')}>
                {t(`behaviours.${s.borrowing.behaviour}`, { defaultValue: s.borrowing.behaviour })}
              </Descriptions.Item>
              <Descriptions.Item label={t('fields.latePeriods')}>{s.borrowing.latePeriods}</Descriptions.Item>
              <Descriptions.Item label={t('fields.currentDpd')}>{s.borrowing.currentDpd}</Descriptions.Item>
              <Descriptions.Item label={t('worstDpd')}>{s.borrowing.worstDpd}</Descriptions.Item>
              <Descriptions.Item label={t('fields.creditLines')}>{s.borrowing.creditLines}</Descriptions.Item>
              <Descriptions.Item label={t('fields.creditLimit')}>
                <Amount value={s.borrowing.creditLimit} />
              </Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('sections.payments')}>
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('fields.payments')}>{s.payments.count90}</Descriptions.Item>
              <Descriptions.Item label={t('fields.paid')}>
                <Amount value={s.payments.amount90} />
              </Descriptions.Item>
              <Descriptions.Item label={t('fields.lastPaid')}>
                {s.payments.lastPaidOn ? formatDate(s.payments.lastPaidOn) : t('none')}
              </Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('sections.history')}>
            <Table
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={p.classHistory}
              columns={[
                { title: t('date'), dataIndex: 'businessDate', render: (v: string) => formatDate(v) },
                { title: t('from'), dataIndex: 'fromClass', render: (v: string | null) => v ?? t('none') },
                { title: t('to'), dataIndex: 'toClass' },
                {
                  title: t('reason'),
                  dataIndex: 'reason',
                  render: (v: string) => t(`reasons.${v}`, { defaultValue: v }),
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <StaffTags p={p} canManage={can(me, 'crm:manage')} />
    </Space>
  );
}

function StaffTags({ p, canManage }: { p: Portrait; canManage: boolean }) {
  const { t } = useTranslation('staffCrm');
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm();
  const [key, setKey] = useState(newKey);
  const name = (id: string | null) => (id ? (p.staffNames[id] ?? id) : '—');
  const change = useMutation({
    onSettled: (_d, error) => {
      if (!error || (error instanceof ApiError && error.status < 500)) setKey(newKey());
    },
    mutationFn: ({ tag, remove }: { tag: string; remove: boolean }) =>
      api.post(`/v1/crm/portraits/${p.userId}/tags${remove ? '/remove' : ''}`, { tag }, key),
    onSuccess: (_d, v) => {
      void message.success(t(v.remove ? 'tagRemoved' : 'tagAdded'));
      form.resetFields();
      void client.invalidateQueries({ queryKey: ['crm'] });
    },
    onError: (error) => void message.error(error instanceof Error ? error.message : String(error)),
  });
  return (
    <Card title={t('sections.staffTags')}>
      <Space orientation="vertical">
        {p.staffTagHistory.map((x) => (
          <div key={x.id}>
            <Tag>{x.tag}</Tag> {t('addedBy', { who: name(x.addedBy), when: formatDate(x.addedAt) })}
            {x.removedAt && (
              <>, {t('removedBy', { who: name(x.removedBy), when: formatDate(x.removedAt) })}</>
            )}
            {canManage && !x.removedAt && (
              <Button type="link" onClick={() => change.mutate({ tag: x.tag, remove: true })}>
                {t('removeTag', { tag: x.tag })}
              </Button>
            )}
          </div>
        ))}
        {canManage && (
          <Form
            form={form}
            layout="inline"
            onFinish={(v: { tag: string }) => change.mutate({ tag: v.tag.trim(), remove: false })}
          >
            <Form.Item name="tag" rules={[{ required: true, pattern: /^[a-z0-9_-]{1,40}$/ }]}>
              <Input aria-label={t('addTag')} placeholder={t('tagPlaceholder')} />
            </Form.Item>
            <Button htmlType="submit" loading={change.isPending}>
              {t('addTag')}
            </Button>
          </Form>
        )}
      </Space>
    </Card>
  );
}
