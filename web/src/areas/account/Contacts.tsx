import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Col, Form, Input, Popconfirm, Row, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { ItemList } from '../../components/ItemList.tsx';
import { ErrorAlert, QueryView } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { useFormKey } from '../../formKey.ts';

const RELATIONS = ['spouse', 'parent', 'child', 'sibling', 'friend', 'colleague', 'other'] as const;
const MAX = 5;

interface Contact {
  id: string;
  name: string;
  relation: string;
  phone: string;
  createdAt: string;
}

export function Contacts() {
  const { t } = useTranslation('account');
  const client = useQueryClient();
  const [form] = Form.useForm<{ name: string; relation: string; phone: string }>();
  const { key, renew, renewAfter } = useFormKey();
  const contacts = useQuery({
    queryKey: ['contacts'],
    queryFn: async () => (await api.get<{ items: Contact[] }>('/v1/me/contacts')).items,
  });
  const refresh = () => void client.invalidateQueries({ queryKey: ['contacts'] });
  const add = useMutation({
    mutationFn: (values: { name: string; relation: string; phone: string }) =>
      api.post('/v1/me/contacts', { ...values, name: values.name.trim(), phone: values.phone.trim() }, key),
    onSuccess: () => {
      renew();
      form.resetFields();
      refresh();
    },
    onError: (error) => {
      renewAfter(error);
      form.setFields(fieldErrors(error));
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/v1/me/contacts/${id}`),
    onSuccess: refresh,
  });
  const required = { required: true, message: t('common:validation.required') };
  const full = (contacts.data?.length ?? 0) >= MAX;

  return (
    <>
      <Typography.Paragraph type="secondary">{t('contacts.intro')}</Typography.Paragraph>
      <ErrorAlert error={remove.error} />
      <QueryView query={contacts}>
        {(items) => (
          <ItemList
            label={t('tabs.contacts')}
            items={items.map((contact) => ({
              key: contact.id,
              title: contact.name,
              description: `${t(`contacts.relations.${contact.relation}`, { defaultValue: contact.relation })} · ${contact.phone}`,
              actions: [
                <Popconfirm
                  key="remove"
                  title={t('contacts.removeConfirm')}
                  okText={t('yes')}
                  cancelText={t('no')}
                  onConfirm={() => remove.mutate(contact.id)}
                >
                  <Button size="small" danger aria-label={`${t('contacts.remove')} ${contact.name}`}>
                    {t('contacts.remove')}
                  </Button>
                </Popconfirm>,
              ],
            }))}
          />
        )}
      </QueryView>
      {!full && (
        <Form
          name="contact"
          style={{ marginTop: 16 }}
          form={form}
          layout="vertical"
          onFinish={(values) => add.mutate(values)}
        >
          <Row gutter={12}>
            <Col xs={24} md={8}>
              <Form.Item name="name" label={t('contacts.name')} rules={[required]}>
                <Input maxLength={40} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="relation" label={t('contacts.relation')} rules={[required]}>
                <Select
                  options={RELATIONS.map((relation) => ({
                    value: relation,
                    label: t(`contacts.relations.${relation}`),
                  }))}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item
                name="phone"
                label={t('contacts.phone')}
                rules={[required, { pattern: /^1\d{10}$/, message: t('common:validation.phone_malformed') }]}
              >
                <Input inputMode="tel" maxLength={11} />
              </Form.Item>
            </Col>
          </Row>
          {add.isError && <ErrorAlert error={add.error} />}
          <Button htmlType="submit" loading={add.isPending} style={{ marginTop: 12 }}>
            {t('contacts.add')}
          </Button>
        </Form>
      )}
    </>
  );
}
