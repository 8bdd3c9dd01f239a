import { Alert, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useMe } from '../../session.tsx';

export interface Needs {
  readonly kyc?: boolean;
  readonly card?: boolean;
  readonly password?: boolean;
}

/** What is missing before money can move (identity, a confirmed card, a payment password), with links. */
export function Prerequisites({ needs, hasCard }: { needs: Needs; hasCard: boolean }) {
  const { t } = useTranslation('wallet');
  const me = useMe().data;
  const missing: { key: string; text: string; link: string; to: string }[] = [];
  if (needs.kyc && (me?.kycLevel ?? 0) < 1)
    missing.push({ key: 'kyc', text: t('needKyc'), link: t('goKyc'), to: '/account?tab=identity' });
  if (needs.card && !hasCard)
    missing.push({ key: 'card', text: t('needCard'), link: t('goCard'), to: '/account?tab=cards' });
  if (needs.password && !me?.hasPaymentPassword)
    missing.push({
      key: 'password',
      text: t('needPassword'),
      link: t('goPassword'),
      to: '/account?tab=security',
    });
  if (missing.length === 0) return null;
  return (
    <Space orientation="vertical" style={{ width: '100%', marginBottom: 16 }}>
      {missing.map((item) => (
        <Alert
          key={item.key}
          type="warning"
          showIcon
          title={item.text}
          action={<Link to={item.to}>{item.link}</Link>}
        />
      ))}
    </Space>
  );
}

/** True when everything the operation needs is in place. */
export function ready(
  needs: Needs,
  me: { kycLevel: number; hasPaymentPassword: boolean } | null | undefined,
  hasCard: boolean,
) {
  if (needs.kyc && (me?.kycLevel ?? 0) < 1) return false;
  if (needs.card && !hasCard) return false;
  if (needs.password && !me?.hasPaymentPassword) return false;
  return true;
}
