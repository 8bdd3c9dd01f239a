import { DownloadOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { PageTitle, QueryView } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { type ContractSummary, LANGUAGES, pdfUrl } from './types.ts';

/** Download links of a contract's PDFs, one per language (Chinese governs). */
export function Downloads({ contract }: { contract: Pick<ContractSummary, 'id' | 'number'> }) {
  const { t } = useTranslation('contracts');
  return (
    <Space wrap>
      {LANGUAGES.map((language) => (
        <Button
          key={language}
          size="small"
          icon={<DownloadOutlined />}
          href={pdfUrl(contract.id, language)}
          download={`${contract.number}-${language}.pdf`}
          aria-label={t('download', { number: contract.number, language: t(`language.${language}`) })}
        >
          {t(`language.${language}`)}
        </Button>
      ))}
    </Space>
  );
}

/** The signed-in customer's contracts, newest first, each downloadable in Chinese and English. */
export function MyContracts() {
  const { t } = useTranslation('contracts');
  const contracts = useQuery({
    queryKey: ['contracts', 'mine'],
    queryFn: () => api.get<{ items: ContractSummary[] }>('/v1/me/contracts', { limit: 200 }),
  });
  return (
    <>
      <PageTitle
        extra={
          <Link to="/contracts/verify">
            <Button icon={<SafetyCertificateOutlined />}>{t('verify.title')}</Button>
          </Link>
        }
      >
        {t('mine.title')}
      </PageTitle>
      <Card>
        <Typography.Paragraph type="secondary">{t('mine.governing')}</Typography.Paragraph>
        <QueryView query={contracts}>
          {(data) => (
            <Table<ContractSummary>
              rowKey="id"
              size="small"
              dataSource={data.items}
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              scroll={{ x: 'max-content' }}
              aria-label={t('mine.title')}
              locale={{ emptyText: t('mine.empty') }}
              columns={[
                {
                  key: 'number',
                  title: t('field.number'),
                  render: (_, c) => <Typography.Text copyable>{c.number}</Typography.Text>,
                },
                {
                  key: 'kind',
                  title: t('field.kind'),
                  render: (_, c) => t(`kind.${c.kind}`, { defaultValue: c.kind }),
                },
                {
                  key: 'role',
                  title: t('field.role'),
                  render: (_, c) =>
                    (c.roles ?? []).map((r) => <Tag key={r}>{t(`role.${r}`, { defaultValue: r })}</Tag>),
                },
                { key: 'signed', title: t('field.signedAt'), render: (_, c) => formatDate(c.signedAt) },
                {
                  key: 'documents',
                  title: t('field.documents'),
                  render: (_, c) =>
                    c.documents.length > 0 ? <Downloads contract={c} /> : <Tag>{t('mine.rendering')}</Tag>,
                },
              ]}
            />
          )}
        </QueryView>
      </Card>
    </>
  );
}
