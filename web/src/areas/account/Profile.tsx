import { Descriptions, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDate } from '../../i18n/index.ts';
import type { Me } from '../../session.tsx';

/** The profile as GET /v1/session gives it: personal data arrives masked. */
export function Profile({ me }: { me: Me }) {
  const { t } = useTranslation('account');
  return (
    <Descriptions
      bordered
      size="small"
      column={{ xs: 1, sm: 1, md: 2 }}
      items={[
        { key: 'phone', label: t('profile.phone'), children: me.phone },
        { key: 'name', label: t('profile.displayName'), children: me.displayName ?? '—' },
        {
          key: 'kyc',
          label: t('profile.kyc'),
          children:
            me.kycLevel >= 1 ? (
              <Tag color="success">{t('profile.verified')}</Tag>
            ) : (
              <Tag>{t('profile.unverified')}</Tag>
            ),
        },
        { key: 'realName', label: t('profile.realName'), children: me.realName ?? '—' },
        { key: 'idNumber', label: t('profile.idNumber'), children: me.idNumber ?? '—' },
        { key: 'birth', label: t('profile.birthDate'), children: formatDate(me.birthDate) },
        {
          key: 'pp',
          label: t('profile.paymentPassword'),
          children: me.hasPaymentPassword ? t('profile.set') : t('profile.notSet'),
        },
        { key: 'since', label: t('profile.since'), children: formatDate(me.createdAt) },
      ]}
    />
  );
}
