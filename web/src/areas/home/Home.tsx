import { Card, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../session.tsx';

export function Home() {
  const { t } = useTranslation();
  const me = useMe();
  return (
    <Card>
      <Typography.Title level={3}>{me.data?.displayName ?? me.data?.phone}</Typography.Title>
      <Typography.Paragraph>{t('tagline')}</Typography.Paragraph>
    </Card>
  );
}
