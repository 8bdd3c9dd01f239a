import { useQuery } from '@tanstack/react-query';
import { Button, Descriptions, Flex, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Money } from '../../api.ts';
import { Amount, QueryView } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';

interface MyReferrals {
  code: string;
  earned: Money;
  referred: { phone: string; signedUpOn: string; earned: Money }[];
}

/** The customer's referral code and link, whom they brought (masked) and what it earned them (issue 20). */
export function Referrals() {
  const { t } = useTranslation('account');
  const [copied, setCopied] = useState(false);
  const mine = useQuery({
    queryKey: ['referrals', 'mine'],
    queryFn: () => api.get<MyReferrals>('/v1/crm/referrals/mine'),
  });
  return (
    <QueryView query={mine}>
      {(r) => {
        const link = `${window.location.origin}/sign-up?ref=${r.code}`;
        return (
          <Flex vertical gap={16}>
            <Descriptions column={1} bordered size="small">
              <Descriptions.Item label={t('referrals.code')}>
                <Typography.Text strong copyable={{ text: r.code }} style={{ letterSpacing: 2 }}>
                  {r.code}
                </Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={t('referrals.link')}>
                <Flex gap={8} wrap align="center">
                  <Typography.Text code>{link}</Typography.Text>
                  <Button
                    size="small"
                    onClick={() => {
                      void navigator.clipboard?.writeText(link).then(() => setCopied(true));
                    }}
                  >
                    {copied ? t('referrals.copied') : t('referrals.copy')}
                  </Button>
                </Flex>
              </Descriptions.Item>
              <Descriptions.Item label={t('referrals.earned')}>
                <Amount value={r.earned} strong />
              </Descriptions.Item>
            </Descriptions>
            <Typography.Paragraph type="secondary">{t('referrals.hint')}</Typography.Paragraph>
            <Typography.Title level={5}>{t('referrals.brought')}</Typography.Title>
            <Table
              rowKey="key"
              size="small"
              pagination={false}
              aria-label={t('referrals.brought')}
              locale={{ emptyText: t('referrals.none') }}
              dataSource={r.referred.map((row, index) => ({ ...row, key: index }))}
              columns={[
                { key: 'p', title: t('referrals.phone'), dataIndex: 'phone' },
                {
                  key: 'd',
                  title: t('referrals.signedUpOn'),
                  render: (_, row) => formatDate(row.signedUpOn),
                },
                {
                  key: 'e',
                  title: t('referrals.earnedFrom'),
                  render: (_, row) => <Amount value={row.earned} />,
                },
              ]}
            />
          </Flex>
        );
      }}
    </QueryView>
  );
}
