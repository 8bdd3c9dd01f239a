import { useQueryClient } from '@tanstack/react-query';
import { Button, Form, Input, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api.ts';
import { ErrorAlert } from '../../components/ui.tsx';
import { fieldErrors, retryAfter } from '../../errors.ts';
import { landingSource } from '../../landing-source.ts';
import { AgreementField } from './Agreement.tsx';
import { AuthFrame } from './AuthFrame.tsx';
import { DevInbox } from './DevInbox.tsx';

interface Values {
  phone: string;
  code: string;
  password: string;
  displayName?: string;
  acceptTerms?: boolean;
}

const PHONE = /^1[3-9]\d{9}$/;
/** A channel of origin as the server takes it; a landing URL's malformed one is left out, never refused. */
const CHANNEL = /^[a-z0-9_]{1,32}$/;

/** The landing URL's source kept for this visit (landing-source.ts), if any. */
function sourceField() {
  const source = landingSource();
  return source ? { source } : {};
}

export function SignUp() {
  const { t } = useTranslation('auth');
  const [form] = Form.useForm<Values>();
  const phone = Form.useWatch('phone', form) ?? '';
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [wait, setWait] = useState(0);
  const [sentTo, setSentTo] = useState('');
  const navigate = useNavigate();
  const client = useQueryClient();
  // Where the person came from (a campaign's link: /sign-up?channel=...), recorded with the account.
  const [search] = useSearchParams();
  const channel = search.get('channel') ?? '';
  useEffect(() => {
    if (wait <= 0) return;
    const timer = setTimeout(() => setWait(wait - 1), 1000);
    return () => clearTimeout(timer);
  }, [wait]);

  const sendCode = async () => {
    setError(undefined);
    try {
      await form.validateFields(['phone']);
    } catch {
      return;
    }
    try {
      await api.post('/v1/auth/sms-codes', { phone: phone.trim(), purpose: 'sign_up' });
      setSentTo(phone.trim());
      setWait(60);
    } catch (failure) {
      setError(failure);
      // Refused as too soon: the button counts down to when a code may be asked for again.
      const seconds = retryAfter(failure);
      if (seconds !== undefined && seconds <= 600) setWait(seconds);
    }
  };

  const submit = async (values: Values) => {
    setBusy(true);
    setError(undefined);
    try {
      await api.post('/v1/auth/sign-up', {
        phone: values.phone.trim(),
        code: values.code.trim(),
        password: values.password,
        acceptTerms: values.acceptTerms === true,
        ...(values.displayName?.trim() ? { displayName: values.displayName.trim() } : {}),
        ...(CHANNEL.test(channel) ? { channel } : {}),
        ...sourceField(),
      });
      await client.resetQueries();
      navigate('/', { replace: true });
    } catch (failure) {
      form.setFields(fieldErrors(failure));
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthFrame title={t('signUpTitle')} aside={sentTo ? <DevInbox phone={sentTo} /> : undefined}>
      <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item
          name="phone"
          label={t('phone')}
          rules={[
            { required: true, message: t('common:validation.required') },
            { pattern: PHONE, message: t('common:validation.phone_malformed') },
          ]}
        >
          <Input inputMode="tel" autoComplete="tel" maxLength={11} />
        </Form.Item>
        <Form.Item label={t('code')} required>
          <Space.Compact style={{ width: '100%' }}>
            <Form.Item
              name="code"
              noStyle
              rules={[{ required: true, message: t('common:validation.required') }]}
            >
              <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} aria-label={t('code')} />
            </Form.Item>
            <Button onClick={sendCode} disabled={wait > 0}>
              {wait > 0 ? t('resend', { seconds: wait }) : t('sendCode')}
            </Button>
          </Space.Compact>
        </Form.Item>
        <Form.Item
          name="password"
          label={t('password')}
          extra={t('passwordHint')}
          rules={[{ required: true, message: t('common:validation.required') }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="displayName" label={t('displayName')}>
          <Input maxLength={40} autoComplete="nickname" />
        </Form.Item>
        <AgreementField />
        {sentTo ? (
          <Typography.Paragraph type="success" role="status">
            {t('codeSent')}
          </Typography.Paragraph>
        ) : null}
        {error ? (
          <div style={{ marginBottom: 16 }}>
            <ErrorAlert error={error} />
          </div>
        ) : null}
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t('signUp')}
        </Button>
      </Form>
      <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0 }}>
        {t('haveAccount')} <Link to="/sign-in">{t('signIn')}</Link>
      </Typography.Paragraph>
    </AuthFrame>
  );
}
