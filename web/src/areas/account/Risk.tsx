import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Radio, Result, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api.ts';
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
  /** The lowest risk tolerance, a sub-class of C1 that may buy R1 products only. */
  lowest?: boolean;
  score?: number;
  expiresOn?: string;
  valid: boolean;
  nextAllowedOn?: string | null;
  retakeAllowed?: boolean;
}

interface HistoryEntry {
  id: string;
  riskClass: string;
  lowest: boolean;
  score: number;
  assessedOn: string;
  previousRiskClass: string | null;
  flagged: boolean;
}

/** Every assessment taken, the latest first; a change of more than one class is flagged. */
function History() {
  const { t } = useTranslation('wealth');
  const { t: a } = useTranslation('account');
  const history = useQuery({
    queryKey: ['risk-assessment', 'history'],
    queryFn: () => api.get<HistoryEntry[]>('/v1/me/risk-assessment/history'),
  });
  if (!history.data?.length) return null;
  const className = (riskClass: string, lowest: boolean) =>
    `${a(`risk.classes.${riskClass}`, { defaultValue: riskClass })}${lowest ? ` · ${t('lowest')}` : ''}`;
  return (
    <div style={{ marginTop: 16 }}>
      <Typography.Title level={5}>{t('riskHistory')}</Typography.Title>
      <Table<HistoryEntry>
        rowKey="id"
        size="small"
        pagination={false}
        scroll={{ x: true }}
        aria-label={t('riskHistory')}
        dataSource={history.data}
        columns={[
          { key: 'd', title: t('riskWhen'), render: (_, h) => formatDate(h.assessedOn) },
          { key: 'c', title: t('riskClass'), render: (_, h) => className(h.riskClass, h.lowest) },
          { key: 's', title: t('riskScore'), dataIndex: 'score' },
          { key: 'p', title: t('riskFrom'), render: (_, h) => h.previousRiskClass ?? '—' },
          {
            key: 'f',
            title: '',
            render: (_, h) => (h.flagged ? <Tag color="warning">{t('riskFlagged')}</Tag> : null),
          },
        ]}
      />
    </div>
  );
}

/** The investor risk questionnaire and the resulting class, C1 to C5. */
export function Risk() {
  const { t } = useTranslation('account');
  const { t: w } = useTranslation('wealth');
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
            <>
              <Result
                status={current.valid ? 'success' : 'warning'}
                title={
                  <span role="status">
                    {t('risk.current')}:{' '}
                    {t(`risk.classes.${current.riskClass}`, { defaultValue: current.riskClass })}
                    {current.lowest ? ` · ${w('lowest')}` : ''}
                  </span>
                }
                subTitle={
                  <>
                    {current.valid
                      ? `${t('risk.score', { score: current.score })} · ${t('risk.expires', { date: formatDate(current.expiresOn) })}`
                      : t('risk.expired')}
                    {current.lowest ? <div>{w('lowestHint')}</div> : null}
                    {current.nextAllowedOn && current.retakeAllowed === false ? (
                      <div>{w('riskTooSoon', { date: formatDate(current.nextAllowedOn) })}</div>
                    ) : null}
                  </>
                }
                extra={<Button onClick={() => setRetaking(true)}>{t('risk.again')}</Button>}
              />
              <History />
            </>
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
                {submit.error instanceof ApiError && submit.error.code === 'assessment_too_soon' ? (
                  <Alert
                    type="warning"
                    showIcon
                    role="alert"
                    title={w('riskTooSoon', {
                      date: formatDate(
                        (submit.error.details as { nextAllowedOn?: string } | undefined)?.nextAllowedOn ??
                          current.nextAllowedOn,
                      ),
                    })}
                  />
                ) : submit.isError ? (
                  <ErrorAlert error={submit.error} />
                ) : null}
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
