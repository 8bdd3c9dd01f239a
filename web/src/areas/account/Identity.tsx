import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Form, Input, Result, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { ErrorAlert } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { useFormKey } from '../../formKey.ts';
import type { Me } from '../../session.tsx';
import { idNumberProblem, REAL_NAME } from './idNumber.ts';

interface Values {
  realName: string;
  idNumber: string;
}

/** Real-name verification (POST /v1/me/kyc), or its result once done. */
export function Identity({ me }: { me: Me }) {
  const { t } = useTranslation('account');
  const client = useQueryClient();
  const [form] = Form.useForm<Values>();
  const { key, renew, renewAfter } = useFormKey();
  const submit = useMutation({
    mutationFn: (values: Values) =>
      api.post(
        '/v1/me/kyc',
        { realName: values.realName.trim(), idNumber: values.idNumber.trim().toUpperCase() },
        key,
      ),
    onSuccess: () => {
      renew();
      void client.invalidateQueries({ queryKey: ['me'] });
    },
    onError: (error) => {
      renewAfter(error);
      form.setFields(fieldErrors(error));
    },
  });

  if (me.kycLevel >= 1) {
    return (
      <Result
        status="success"
        title={t('kyc.done')}
        subTitle={t('kyc.doneDetail', { name: me.realName ?? '', id: me.idNumber ?? '' })}
      />
    );
  }
  const required = { required: true, message: t('common:validation.required') };
  return (
    <Form
      name="kyc"
      form={form}
      layout="vertical"
      onFinish={(values) => submit.mutate(values)}
      style={{ maxWidth: 420 }}
    >
      <Typography.Paragraph type="secondary">{t('kyc.intro')}</Typography.Paragraph>
      <Form.Item
        name="realName"
        label={t('kyc.realName')}
        rules={[required, { pattern: REAL_NAME, message: t('kyc.nameFormat') }]}
      >
        <Input autoComplete="name" maxLength={60} />
      </Form.Item>
      <Form.Item
        name="idNumber"
        label={t('kyc.idNumber')}
        extra={t('kyc.idHint')}
        rules={[
          required,
          {
            validator: async (_rule, value: string | undefined) => {
              if (!value) return;
              const problem = idNumberProblem(value);
              if (problem) throw new Error(t(`kyc.${problem}`));
            },
          },
        ]}
      >
        <Input autoComplete="off" maxLength={18} style={{ fontVariantNumeric: 'tabular-nums' }} />
      </Form.Item>
      {submit.isError && <ErrorAlert error={submit.error} />}
      <Button type="primary" htmlType="submit" loading={submit.isPending} block style={{ marginTop: 12 }}>
        {t('kyc.submit')}
      </Button>
    </Form>
  );
}
