import { Button, Card, Flex, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { PageTitle, QueryView } from '../../components/ui.tsx';
import { type Me, useMe } from '../../session.tsx';
import { Cards } from './Cards.tsx';
import { Contacts } from './Contacts.tsx';
import { Identity } from './Identity.tsx';
import { PaymentPassword } from './PaymentPassword.tsx';
import { Profile } from './Profile.tsx';
import { Referrals } from './Referrals.tsx';
import { Risk } from './Risk.tsx';
import { Sessions } from './Sessions.tsx';

const TABS = ['profile', 'identity', 'cards', 'security', 'contacts', 'risk', 'referrals'] as const;

/** The account: profile, real name, cards, payment password and sessions, contacts, risk class. */
export function Account() {
  const { t } = useTranslation('account');
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const asked = params.get('tab');
  const active = (TABS as readonly string[]).includes(asked ?? '') ? asked! : 'profile';
  const select = (tab: string) => setParams({ tab }, { replace: true });
  const sections = (user: Me) => [
    { key: 'profile', label: t('tabs.profile'), children: <Profile me={user} /> },
    { key: 'identity', label: t('tabs.identity'), children: <Identity me={user} /> },
    { key: 'cards', label: t('tabs.cards'), children: <Cards me={user} /> },
    {
      key: 'security',
      label: t('tabs.security'),
      children: (
        <Space orientation="vertical" size="large" style={{ width: '100%' }}>
          <Typography.Title level={5}>
            {user.hasPaymentPassword ? t('security.changeTitle') : t('security.setTitle')}
          </Typography.Title>
          <PaymentPassword />
          <Typography.Title level={5}>{t('security.sessions')}</Typography.Title>
          <Sessions />
        </Space>
      ),
    },
    { key: 'contacts', label: t('tabs.contacts'), children: <Contacts /> },
    { key: 'risk', label: t('tabs.risk'), children: <Risk /> },
    { key: 'referrals', label: t('tabs.referrals'), children: <Referrals /> },
  ];
  return (
    <>
      <PageTitle>{t('title')}</PageTitle>
      <QueryView query={me}>
        {(user) =>
          user ? (
            <Card>
              <Flex wrap gap={8} role="group" aria-label={t('section')} style={{ marginBottom: 16 }}>
                {sections(user).map((section) => (
                  <Button
                    key={section.key}
                    type={section.key === active ? 'primary' : 'default'}
                    aria-pressed={section.key === active}
                    onClick={() => select(section.key)}
                  >
                    {section.label}
                  </Button>
                ))}
              </Flex>
              <section aria-label={sections(user).find((section) => section.key === active)?.label}>
                {sections(user).find((section) => section.key === active)?.children}
              </section>
            </Card>
          ) : null
        }
      </QueryView>
    </>
  );
}
