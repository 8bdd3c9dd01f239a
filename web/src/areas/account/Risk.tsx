import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Radio, Result, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { ErrorAlert, QueryView } from '../../components/ui.tsx';
import { useFormKey } from '../../formKey.ts';
import { currentLanguage, formatDate } from '../../i18n/index.ts';

interface Question {
  id: string;
  zh: string;
  en: string;
  options: { zh: string; en: string; points: number }[];
}

interface Assessment {
  riskClass: string | null;
  level?: number;
  score?: number;
  expiresOn?: string;
  valid: boolean;
}

/** The investor risk questionnaire and the resulting class, C1 to C5. */
export function Risk() {
  const { t } = useTranslation('account');
  const client = useQueryClient();
  const [form] = Form.useForm<Record<string, number>>();
  const { key, renew, renewAfter } = useFormKey();
  const [retaking, setRetaking] = useState(false);
  const zh = currentLanguage() === 'zh';
  const questions = useQuery({
    queryKey: ['risk-questionnaire'],
    queryFn: () => api.get<Question[]>('/v1/risk-questionnaire'),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const assessment = useQuery({
    queryKey: ['risk-assessment'],
    queryFn: () => api.get<Assessment>('/v1/me/risk-assessment'),
  });
  const submit = useMutation({
    mutationFn: (answers: number[]) => api.post<Assessment>('/v1/me/risk-assessment', { answers }, key),
    onSuccess: (result) => {
      renew();
      setRetaking(false);
      client.setQueryData(['risk-assessment'], result);
      void client.invalidateQueries({ queryKey: ['risk-assessment'] });
    },
    onError: renewAfter,
  });

  return (
    <QueryView query={assessment}>
      {(current) => {
        if (current.riskClass && !retaking) {
          return (
            <Result
              status={current.valid ? 'success' : 'warning'}
              title={
                <span role="status">
                  {t('risk.current')}:{' '}
                  {t(`risk.classes.${current.riskClass}`, { defaultValue: current.riskClass })}
                </span>
              }
              subTitle={
                current.valid
                  ? `${t('risk.score', { score: current.score })} · ${t('risk.expires', { date: formatDate(current.expiresOn) })}`
                  : t('risk.expired')
              }
              extra={<Button onClick={() => setRetaking(true)}>{t('risk.again')}</Button>}
            />
          );
        }
        return (
          <QueryView query={questions}>
            {(list) => (
              <Form
                name="risk"
                form={form}
                layout="vertical"
                onFinish={(values) => submit.mutate(list.map((q) => values[q.id]!))}
              >
                {!current.riskClass ? (
                  <Typography.Paragraph type="secondary">{t('risk.none')}</Typography.Paragraph>
                ) : null}
                <Alert type="info" showIcon title={t('risk.intro')} style={{ marginBottom: 16 }} />
                {list.map((q, index) => (
                  <Form.Item
                    key={q.id}
                    name={q.id}
                    label={`${index + 1}. ${zh ? q.zh : q.en}`}
                    rules={[{ required: true, message: t('common:validation.required') }]}
                  >
                    <Radio.Group aria-label={zh ? q.zh : q.en}>
                      <Space orientation="vertical">
                        {q.options.map((option, i) => (
                          <Radio key={option.en} value={i + 1}>
                            {zh ? option.zh : option.en}
                          </Radio>
                        ))}
                      </Space>
                    </Radio.Group>
                  </Form.Item>
                ))}
                {submit.isError && <ErrorAlert error={submit.error} />}
                <Space style={{ marginTop: 12 }}>
                  <Button type="primary" htmlType="submit" loading={submit.isPending}>
                    {t('risk.submit')}
                  </Button>
                  {retaking ? (
                    <Button onClick={() => setRetaking(false)}>{t('common:action.cancel')}</Button>
                  ) : null}
                </Space>
              </Form>
            )}
          </QueryView>
        );
      }}
    </QueryView>
  );
}
