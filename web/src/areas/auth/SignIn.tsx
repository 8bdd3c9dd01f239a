import { useQueryClient } from '@tanstack/react-query';
import { Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api.ts';
import { ErrorAlert } from '../../components/ui.tsx';
import type { Me } from '../../session.tsx';
import { AuthFrame } from './AuthFrame.tsx';
import { DemoAccounts } from './DemoAccounts.tsx';

/** Only same-site paths: a crafted ?next= must not send the user elsewhere. */
export function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignIn() {
  const { t } = useTranslation('auth');
  const [form] = Form.useForm<{ phone: string; password: string }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const client = useQueryClient();
  const submit = async (values: { phone: string; password: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      await api.post('/v1/auth/sign-in', { phone: values.phone.trim(), password: values.password });
      await client.resetQueries();
      const next = params.get('next');
      // Staff land on their dashboard unless they were on their way somewhere.
      const { user } = await api.get<{ user: Me | null }>('/v1/session');
      navigate(next === null && user?.isStaff ? '/staff/dashboard' : safeNext(next), { replace: true });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <AuthFrame
      title={t('signInTitle')}
      aside={
        <DemoAccounts
          onPick={(account) => form.setFieldsValue({ phone: account.phone, password: account.password })}
        />
      }
    >
      <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item
          name="phone"
          label={t('phone')}
          rules={[{ required: true, message: t('common:validation.required') }]}
        >
          <Input inputMode="tel" autoComplete="tel" maxLength={11} />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('password')}
          rules={[{ required: true, message: t('common:validation.required') }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        {error ? (
          <div style={{ marginBottom: 16 }}>
            <ErrorAlert error={error} />
          </div>
        ) : null}
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t('signIn')}
        </Button>
      </Form>
      <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0 }}>
        {t('noAccount')} <Link to="/sign-up">{t('signUp')}</Link>
      </Typography.Paragraph>
    </AuthFrame>
  );
}
