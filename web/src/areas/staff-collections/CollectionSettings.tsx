import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Form, InputNumber, Radio, Row, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { ErrorAlert, PageTitle, QueryView } from '../../components/ui.tsx';
import { useFormKey } from '../../formKey.ts';
import { SmsTemplates } from './SmsTemplates.tsx';
import {
  ASSIGNMENTS,
  dayListProblem,
  type FormValues,
  fromForm,
  type Settings,
  settingsFieldError,
  TIERS,
  toForm,
} from './settingsForm.ts';
import { STAGES } from './types.ts';

const ZONES: string[] = Intl.supportedValuesOf?.('timeZone') ?? ['Asia/Shanghai'];

/** Supervisors: the strategy per stage, reminders, assignment and the conduct rules, as one form. */
export function CollectionSettings() {
  const { t } = useTranslation('staffCollections');
  const settings = useQuery({
    queryKey: ['collections', 'settings'],
    queryFn: () => api.get<Settings>('/v1/collections/settings'),
  });
  return (
    <>
      <PageTitle>{t('settings.title')}</PageTitle>
      <Typography.Paragraph type="secondary">{t('settings.hint')}</Typography.Paragraph>
      <QueryView query={settings}>{(data) => <SettingsForm settings={data} />}</QueryView>
    </>
  );
}

const tagSelect = { mode: 'tags' as const, open: false, suffixIcon: null, tokenSeparators: [',', ' ', '，'] };

function SettingsForm({ settings }: { settings: Settings }) {
  const { t } = useTranslation('staffCollections');
  const [form] = Form.useForm<FormValues>();
  const { key, renew, renewAfter } = useFormKey();
  const [unmapped, setUnmapped] = useState<unknown>(null);
  const client = useQueryClient();
  const { message } = App.useApp();
  const required = { required: true, message: t('common:validation.required') };
  const save = useMutation({
    mutationFn: (v: FormValues) => api.put<Settings>('/v1/collections/settings', fromForm(v), key),
    onSuccess: (saved) => {
      renew();
      setUnmapped(null);
      form.setFieldsValue(toForm(saved));
      void message.success(t('settings.saved'));
      client.setQueryData(['collections', 'settings'], saved);
      void client.invalidateQueries({ queryKey: ['collections'] });
    },
    onError: (error) => {
      renewAfter(error);
      const field = settingsFieldError(error, form.getFieldsValue(true) as FormValues);
      if (field) {
        form.setFields([field]);
        form.scrollToField(field.name, { block: 'center' });
      }
      setUnmapped(field ? null : error);
    },
  });
  const dayRule = (min: number, max: number, most: number) => ({
    validator: async (_r: unknown, value: string[] | undefined) => {
      const problem = dayListProblem(value, min, max, most);
      if (problem) throw new Error(problem);
    },
  });
  return (
    <Form<FormValues>
      name="collectionSettings"
      form={form}
      layout="vertical"
      initialValues={toForm(settings)}
      onFinish={(v) => save.mutate(v)}
    >
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <Card title={t('settings.strategy')}>
          <Row gutter={[16, 0]}>
            {STAGES.map((stage) => (
              <Col xs={24} sm={12} xl={6} key={stage}>
                <Card size="small" type="inner" title={t('settings.stageTitle', { stage })}>
                  <Form.Item
                    name={['stages', stage, 'tier']}
                    label={t('settings.tierOf', { stage })}
                    rules={[required]}
                  >
                    <Select options={TIERS.map((v) => ({ value: v, label: t(`tiers.${v}`) }))} />
                  </Form.Item>
                  <Form.Item
                    name={['stages', stage, 'phoneFromDay']}
                    label={t('settings.phoneFromDay', { stage })}
                    rules={[required]}
                  >
                    <InputNumber min={1} max={365} precision={0} style={{ width: '100%' }} />
                  </Form.Item>
                  <Form.Item
                    name={['stages', stage, 'smsOnDays']}
                    label={t('settings.smsOnDays', { stage })}
                    extra={t('settings.daysHint')}
                    rules={[dayRule(1, 365, 10)]}
                  >
                    <Select {...tagSelect} />
                  </Form.Item>
                </Card>
              </Col>
            ))}
          </Row>
        </Card>
        <Card title={t('settings.remindersAndAssignment')}>
          <Row gutter={[16, 0]}>
            <Col xs={24} md={12}>
              <Form.Item
                name="remindDaysBefore"
                label={t('settings.remindDaysBefore')}
                extra={t('settings.remindHint')}
                rules={[dayRule(1, 30, 5)]}
              >
                <Select {...tagSelect} />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name="assignment" label={t('settings.assignment')} rules={[required]}>
                <Radio.Group
                  options={ASSIGNMENTS.map((v) => ({ value: v, label: t(`settings.assignments.${v}`) }))}
                />
              </Form.Item>
            </Col>
          </Row>
        </Card>
        <Card title={t('settings.conduct')}>
          <Row gutter={[16, 0]}>
            <Col xs={12} md={6}>
              <Form.Item
                name={['conduct', 'earliestHour']}
                label={t('settings.earliestHour')}
                rules={[required]}
              >
                <InputNumber min={0} max={23} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item
                name={['conduct', 'latestHour']}
                label={t('settings.latestHour')}
                dependencies={[['conduct', 'earliestHour']]}
                rules={[
                  required,
                  ({ getFieldValue }) => ({
                    validator: async (_r, value: number | null) => {
                      const earliest = getFieldValue(['conduct', 'earliestHour']) as number | null;
                      if (value != null && earliest != null && earliest >= value)
                        throw new Error(t('settings.hoursOrder'));
                    },
                  }),
                ]}
              >
                <InputNumber min={1} max={24} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={24} md={6}>
              <Form.Item
                name={['conduct', 'maxContactsPerDay']}
                label={t('settings.maxContactsPerDay')}
                rules={[required]}
              >
                <InputNumber min={1} max={50} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={24} md={6}>
              <Form.Item name={['conduct', 'timeZone']} label={t('settings.timeZone')} rules={[required]}>
                <Select showSearch options={ZONES.map((z) => ({ value: z, label: z }))} />
              </Form.Item>
            </Col>
          </Row>
        </Card>
        <SmsTemplates />
        {unmapped ? <ErrorAlert error={unmapped} /> : null}
        <Space wrap>
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {t('settings.save')}
          </Button>
          <Button
            onClick={() => {
              form.resetFields();
              setUnmapped(null);
            }}
          >
            {t('settings.reset')}
          </Button>
        </Space>
      </Space>
    </Form>
  );
}
