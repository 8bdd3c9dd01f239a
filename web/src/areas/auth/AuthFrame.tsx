import { Card, Flex, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../../layout/Shell.tsx';

/** The page around the sign-in and sign-up forms: narrow on a desk, full width on a phone. */
export function AuthFrame({
  title,
  children,
  aside,
}: {
  title: string;
  children: ReactNode;
  aside?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <main style={{ minHeight: '100vh', padding: '24px 12px' }}>
      <Flex justify="space-between" align="center" style={{ maxWidth: 960, margin: '0 auto 24px' }}>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('brand')}
        </Typography.Title>
        <LanguageSwitch />
      </Flex>
      <Flex wrap gap={24} justify="center" align="flex-start" style={{ maxWidth: 960, margin: '0 auto' }}>
        <Card style={{ width: '100%', maxWidth: 420 }}>
          <Typography.Title level={3} style={{ marginTop: 0 }}>
            {title}
          </Typography.Title>
          <Typography.Paragraph type="secondary">{t('tagline')}</Typography.Paragraph>
          {children}
        </Card>
        {aside}
      </Flex>
    </main>
  );
}
