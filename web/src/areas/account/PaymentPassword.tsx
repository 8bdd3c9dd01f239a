import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { ErrorAlert } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { useFormKey } from '../../formKey.ts';

interface Values {
  paymentPassword: string;
  repeat: string;
  accountPassword: string;
}

/** Sets or changes the 6-digit payment password; the account password confirms it is the owner. */
export function PaymentPassword() {
  const { t } = useTranslation('account');
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<Values>();
  const { key, renew, renewAfter } = useFormKey();
  const required = { required: true, message: t('common:validation.required') };
  const submit = useMutation({
    mutationFn: (values: Values) =>
      api.post(
        '/v1/me/payment-password',
        { paymentPassword: values.paymentPassword, accountPassword: values.accountPassword },
        key,
      ),
    onSuccess: () => {
      renew();
      form.resetFields();
      void message.success(t('security.saved'));
      void client.invalidateQueries({ queryKey: ['me'] });
    },
    onError: (error) => {
      renewAfter(error);
      form.setFields(fieldErrors(error));
    },
  });
  return (
    <Form
      name="paymentPassword"
      form={form}
      layout="vertical"
      onFinish={(values) => submit.mutate(values)}
      style={{ maxWidth: 420 }}
    >
      <Form.Item
        name="paymentPassword"
        label={t('security.newPassword')}
        rules={[required, { pattern: /^\d{6}$/, message: t('security.sixDigits') }]}
      >
        <Input.Password maxLength={6} inputMode="numeric" autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        name="repeat"
        label={t('security.repeat')}
        dependencies={['paymentPassword']}
        rules={[
          required,
          ({ getFieldValue }) => ({
            validator: async (_rule, value: string | undefined) => {
              if (value && value !== getFieldValue('paymentPassword'))
                throw new Error(t('security.mismatch'));
            },
          }),
        ]}
      >
        <Input.Password maxLength={6} inputMode="numeric" autoComplete="new-password" />
      </Form.Item>
      <Form.Item name="accountPassword" label={t('security.accountPassword')} rules={[required]}>
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      {submit.isError && <ErrorAlert error={submit.error} />}
      <Button type="primary" htmlType="submit" loading={submit.isPending} block style={{ marginTop: 12 }}>
        {t('security.save')}
      </Button>
    </Form>
  );
}
