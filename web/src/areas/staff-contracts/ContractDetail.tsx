import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
import { PageTitle, QueryView } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { can, useMe } from '../../session.tsx';
import { Downloads } from '../contracts/MyContracts.tsx';
import { ReviewTag } from './Contracts.tsx';
import { ReviewForm } from './ReviewForm.tsx';
import type { ContractDetail as Detail } from './types.ts';

const scalar = (value: unknown) =>
  value === null || value === undefined
    ? '—'
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);

/** A contract for staff: terms, parties (masked), documents with their SHA-256, acceptances, review. */
export function ContractDetail() {
  const { id = '' } = useParams();
  const { t } = useTranslation('staffContracts');
  const { data: me } = useMe();
  const contract = useQuery({
    queryKey: ['contracts', 'one', id],
    queryFn: () => api.get<Detail>(`/v1/contracts/${encodeURIComponent(id)}`),
  });
  return (
    <QueryView query={contract}>
      {(c) => {
        const installments = Array.isArray(c.terms.installments)
          ? (c.terms.installments as Record<string, unknown>[])
          : null;
        const principal = new Map(c.parties.map((p) => [`${p.role}:${p.userId}`, p.principal]));
        return (
          <>
            <PageTitle extra={<Link to="/staff/contracts">{t('detail.back')}</Link>}>
              {t('detail.title', { number: c.number })}
            </PageTitle>
            <Space orientation="vertical" size={16} style={{ width: '100%' }}>
              <Card>
                <Descriptions size="small" column={{ xs: 1, md: 2 }} bordered>
                  <Descriptions.Item label={t('field.kind')}>
                    {t(`contracts:kind.${c.kind}`, { defaultValue: c.kind })}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('field.subject')}>
                    <code>
                      {c.subjectType} {c.subjectId}
                    </code>
                  </Descriptions.Item>
                  <Descriptions.Item label={t('contracts:field.signedAt')}>
                    {formatDate(c.signedAt)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('detail.businessDate')}>{c.businessDate}</Descriptions.Item>
                  <Descriptions.Item label={t('field.review')}>
                    <ReviewTag status={c.reviewStatus} />
                  </Descriptions.Item>
                  <Descriptions.Item label={t('detail.digest', { algorithm: c.digestAlgorithm })}>
                    <Typography.Text code copyable style={{ wordBreak: 'break-all' }}>
                      {c.termsDigest}
                    </Typography.Text>
                  </Descriptions.Item>
                  {c.dealDigest && (
                    <Descriptions.Item label={t('detail.dealDigest', { algorithm: c.dealDigest.algorithm })}>
                      <Typography.Text code style={{ wordBreak: 'break-all' }}>
                        {c.dealDigest.value}
                      </Typography.Text>
                    </Descriptions.Item>
                  )}
                </Descriptions>
              </Card>

              <Card title={t('detail.terms')}>
                <Descriptions size="small" column={{ xs: 1, md: 3 }}>
                  {Object.entries(c.terms)
                    .filter(([key]) => key !== 'installments')
                    .map(([key, value]) => (
                      <Descriptions.Item key={key} label={key}>
                        {scalar(value)}
                      </Descriptions.Item>
                    ))}
                </Descriptions>
                {installments && (
                  <Table
                    rowKey={(r) => String(r.period)}
                    size="small"
                    style={{ marginTop: 12 }}
                    dataSource={installments}
                    pagination={false}
                    aria-label={t('detail.installments')}
                    columns={['period', 'dueDate', 'principal', 'interest'].map((key) => ({
                      key,
                      title: t(`detail.installment.${key}`),
                      render: (_: unknown, r: Record<string, unknown>) => scalar(r[key]),
                    }))}
                  />
                )}
              </Card>

              <Card title={t('detail.parties')}>
                <Table
                  rowKey={(p) => `${p.role}:${p.userId}`}
                  size="small"
                  dataSource={[...c.partyDetails]}
                  pagination={false}
                  aria-label={t('detail.parties')}
                  columns={[
                    {
                      key: 'role',
                      title: t('detail.role'),
                      render: (_, p) => t(`contracts:role.${p.role}`, { defaultValue: p.role }),
                    },
                    { key: 'name', title: t('detail.name'), render: (_, p) => p.name },
                    { key: 'phone', title: t('detail.phone'), render: (_, p) => p.phone ?? '—' },
                    {
                      key: 'principal',
                      title: t('detail.principal'),
                      align: 'right',
                      render: (_, p) => principal.get(`${p.role}:${p.userId}`) ?? '—',
                    },
                  ]}
                />
              </Card>

              <Card
                title={t('detail.documents')}
                extra={c.documents.length > 0 && <Downloads contract={c} />}
              >
                {c.documents.length === 0 ? (
                  <Typography.Text type="secondary">{t('detail.notRendered')}</Typography.Text>
                ) : (
                  <Table
                    rowKey="language"
                    size="small"
                    dataSource={[...c.documents]}
                    pagination={false}
                    aria-label={t('detail.documents')}
                    columns={[
                      {
                        key: 'language',
                        title: t('contracts:field.language'),
                        render: (_, d) => t(`contracts:language.${d.language}`),
                      },
                      {
                        key: 'sha256',
                        title: 'SHA-256',
                        render: (_, d) => (
                          <Typography.Text code copyable style={{ wordBreak: 'break-all' }}>
                            {d.sha256}
                          </Typography.Text>
                        ),
                      },
                      {
                        key: 'size',
                        title: t('detail.size'),
                        align: 'right',
                        render: (_, d) => d.size ?? '—',
                      },
                      {
                        key: 'rendered',
                        title: t('detail.rendered'),
                        render: (_, d) => formatDate(d.renderedAt),
                      },
                    ]}
                  />
                )}
              </Card>

              <Card title={t('detail.acceptances')}>
                <Table
                  rowKey={(a) => `${a.userId}:${a.acceptedAt}`}
                  size="small"
                  dataSource={[...c.acceptances]}
                  pagination={false}
                  scroll={{ x: 'max-content' }}
                  aria-label={t('detail.acceptances')}
                  locale={{ emptyText: t('detail.noAcceptances') }}
                  columns={[
                    {
                      key: 'role',
                      title: t('detail.role'),
                      render: (_, a) => t(`contracts:role.${a.role}`, { defaultValue: a.role }),
                    },
                    { key: 'name', title: t('detail.name'), render: (_, a) => a.name },
                    { key: 'at', title: t('detail.acceptedAt'), render: (_, a) => formatDate(a.acceptedAt) },
                    { key: 'ip', title: 'IP', render: (_, a) => a.ip ?? '—' },
                    { key: 'ua', title: t('detail.userAgent'), render: (_, a) => a.userAgent ?? '—' },
                    {
                      key: 'hash',
                      title: t('detail.acceptedHash'),
                      render: (_, a) => (
                        <Typography.Text code copyable={{ text: a.acceptedHash }}>
                          {a.acceptedHash.slice(0, 16)}…
                        </Typography.Text>
                      ),
                    },
                    {
                      key: 'version',
                      title: t('detail.templateVersion'),
                      render: (_, a) => a.templateVersion ?? '—',
                    },
                  ]}
                />
              </Card>

              {(c.deviations.length > 0 || c.reviewStatus !== 'not_required') && (
                <Card title={t('detail.review')}>
                  <Deviations deviations={c.deviations} />
                  {c.review.note && (
                    <Typography.Paragraph style={{ marginTop: 12 }}>
                      {t('detail.reviewNote', {
                        note: c.review.note,
                        by: c.review.by ?? '—',
                        at: formatDate(c.review.at),
                      })}
                    </Typography.Paragraph>
                  )}
                  {c.reviewStatus === 'pending' && can(me, 'contracts:manage') && (
                    <div style={{ marginTop: 16, maxWidth: 560 }}>
                      <ReviewForm contractId={c.id} />
                    </div>
                  )}
                </Card>
              )}
            </Space>
          </>
        );
      }}
    </QueryView>
  );
}

/** The terms a person set differently from the template or product, with who set them. */
export function Deviations({ deviations }: { deviations: Detail['deviations'] }) {
  const { t } = useTranslation('staffContracts');
  return (
    <Table
      rowKey="term"
      size="small"
      dataSource={[...deviations]}
      pagination={false}
      aria-label={t('detail.deviations')}
      columns={[
        { key: 'term', title: t('detail.term'), render: (_, d) => d.term },
        { key: 'expected', title: t('detail.expected'), render: (_, d) => d.expected },
        { key: 'actual', title: t('detail.actual'), render: (_, d) => d.actual },
        { key: 'by', title: t('detail.by'), render: (_, d) => d.by ?? '—' },
      ]}
    />
  );
}
