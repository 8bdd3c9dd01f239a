import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Col, Form, Input, Row, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { type FormValues, REQUIRED_TEMPLATES, TEMPLATE_NAME } from './settingsForm.ts';

/** The approved SMS templates: a name and a text each; "reminder" and "overdue" must stay. */
export function SmsTemplates() {
  const { t } = useTranslation('staffCollections');
  const form = Form.useFormInstance<FormValues>();
  const required = { required: true, whitespace: true, message: t('common:validation.required') };
  return (
    <Card title={t('settings.templates')}>
      <Typography.Paragraph type="secondary">{t('settings.templatesHint')}</Typography.Paragraph>
      <Form.List
        name="smsTemplates"
        rules={[
          {
            validator: async (_r, list: FormValues['smsTemplates'] | undefined) => {
              const names = (list ?? []).map((x) => x?.name?.trim());
              const missing = REQUIRED_TEMPLATES.filter((n) => !names.includes(n));
              if (missing.length)
                throw new Error(t('settings.templateMissing', { names: missing.join(', ') }));
            },
          },
        ]}
      >
        {(fields, { add, remove }, { errors }) => (
          <>
            {fields.map((field, index) => {
              const name =
                (form.getFieldValue(['smsTemplates', field.name, 'name']) as string | undefined) ?? '';
              const fixed = REQUIRED_TEMPLATES.includes(name.trim());
              return (
                <Row gutter={[12, 0]} key={field.key} align="top">
                  <Col xs={24} md={6}>
                    <Form.Item
                      name={[field.name, 'name']}
                      label={t('settings.templateName', { n: index + 1 })}
                      rules={[
                        required,
                        { pattern: TEMPLATE_NAME, message: t('settings.templateNameRule') },
                        {
                          validator: async (_r, value: string | undefined) => {
                            const all = (form.getFieldValue('smsTemplates') ??
                              []) as FormValues['smsTemplates'];
                            if (value && all.filter((x) => x?.name?.trim() === value.trim()).length > 1)
                              throw new Error(t('settings.templateDuplicate'));
                          },
                        },
                      ]}
                    >
                      <Input disabled={fixed} autoComplete="off" />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={16}>
                    <Form.Item
                      name={[field.name, 'text']}
                      label={t('settings.templateText', { n: index + 1 })}
                      rules={[required, { max: 300, message: t('settings.templateTooLong') }]}
                    >
                      <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={300} showCount />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={2}>
                    {!fixed && (
                      <Form.Item label={<span aria-hidden>&nbsp;</span>} colon={false}>
                        <Button
                          icon={<DeleteOutlined />}
                          onClick={() => remove(field.name)}
                          aria-label={t('settings.removeTemplate', { name: name || index + 1 })}
                        />
                      </Form.Item>
                    )}
                  </Col>
                </Row>
              );
            })}
            <Form.ErrorList errors={errors} />
            <Button
              type="dashed"
              icon={<PlusOutlined />}
              onClick={() => add({ name: '', text: '' })}
              style={{ marginTop: 8 }}
            >
              {t('settings.addTemplate')}
            </Button>
          </>
        )}
      </Form.List>
    </Card>
  );
}
